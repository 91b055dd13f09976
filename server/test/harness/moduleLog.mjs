// `node --import ./moduleLog.mjs`: appends the URL of every module the process resolves to the file
// named by KEYWARDEN_MODULE_LOG, so a test can see what a real server process has loaded.
import { register } from 'node:module';

register('./moduleLogHooks.mjs', import.meta.url);
