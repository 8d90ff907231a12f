/** vitest's global setup: compile src/ to dist/ once, so the tests that run the package never run a stale build. */
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: new URL('../..', import.meta.url), stdio: 'inherit' });
}
