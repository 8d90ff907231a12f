import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

/**
 * Removes a sandbox's folder: first whatever is still mounted under it (podman's overlay driver
 * bind-mounts its graphroot onto itself, dockerd its data root; after a kill, the containers'
 * mounts stay too), deepest first and lazily, so the removal never meets a busy mount point, nor
 * crosses into another file system. A forky engine sees the folder through the root file
 * system's bind mount of /tmp or /var/tmp, so its mounts are at `<forky root><dir>`: those count
 * too (rmdir fails with EBUSY while the directory is a mount point anywhere).
 */
export function removeTree(dir: string): void {
  const under = (point: string): boolean => {
    const at = point.indexOf(dir);
    return at >= 0 && (point.length === at + dir.length || point[at + dir.length] === '/');
  };
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => point !== undefined && under(point))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) {
    try {
      execFileSync('umount', ['--lazy', point], { stdio: 'ignore' });
    } catch {
      // already gone with a parent's unmount
    }
  }
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
