import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

/**
 * Removes a sandbox's folder: first whatever is still mounted under it (podman's overlay driver
 * bind-mounts its graphroot onto itself, dockerd its data root; after a kill, the containers'
 * mounts stay too), deepest first and lazily, so the removal never meets a busy mount point, nor
 * crosses into another file system.
 */
export function removeTree(dir: string): void {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4]?.replace(/\\040/g, ' '))
    .filter((point): point is string => point !== undefined && (point === dir || point.startsWith(`${dir}/`)))
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
