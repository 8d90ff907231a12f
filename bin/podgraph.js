#!/usr/bin/env node
// Node 20 cannot run TypeScript itself: tsx's loader compiles src/ on the fly.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
