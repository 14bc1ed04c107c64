// Every vitest file: what its tests created (users, /tmp dirs, sudoers drop-ins) goes when it ends.
import { afterAll } from 'vitest';
import { cleanupAll } from './index';

afterAll(cleanupAll);
