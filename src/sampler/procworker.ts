// Entry point of dist/procworker.js: a worker thread that reads processes for a full sample.
import { serveWorker } from './parallel';

serveWorker();
