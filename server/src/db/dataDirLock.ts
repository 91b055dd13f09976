// One process per PGlite data folder. PGlite takes no lock of its own: two processes on one folder
// both run, each with its own copy in memory, and whatever one writes the other later overwrites.
//
// The lock is a file in the folder holding the holder's pid, created atomically (link(2) of a file
// already written, so no one ever reads it half-written). It survives a crash as a stale file: a
// lock whose pid is no longer alive is taken over. Our own pid in it is stale too (a container's
// server restarts with the same pid), unless this process holds the folder already. A pid reused
// by an unrelated process after a crash keeps the folder locked: the error names the lock file to
// delete. No npm package is used: the one present (proper-lockfile, pulled in by Prisma's dev
// tools) is not a dependency of this package and judges staleness by mtime, not by pid.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'keywarden.lock';

export class DataDirLockedError extends Error {
  constructor(
    readonly dataDir: string,
    /** null only when the holder was gone again before it could be read. */
    readonly pid: number | null,
  ) {
    super(
      `The data folder ${dataDir} is in use by ${pid === null ? 'another process' : `process ${pid}`}; stop it first ` +
        `(or, if it is not Keywarden, delete ${path.join(dataDir, LOCK_FILE)})`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** Folders this process holds (absolute paths). */
const held = new Set<string>();

/**
 * Takes the folder's lock or throws DataDirLockedError; returns the release function (idempotent;
 * also run at process exit). The folder must exist.
 */
export function lockDataDir(folder: string): () => void {
  const dataDir = path.resolve(folder);
  if (held.has(dataDir)) throw new DataDirLockedError(dataDir, process.pid);
  const lockPath = path.join(dataDir, LOCK_FILE);
  if (!tryCreate(lockPath)) takeOverStale(dataDir, lockPath);
  held.add(dataDir);

  const release = () => {
    process.off('exit', release);
    if (!held.delete(dataDir)) return;
    // Only our own lock: someone may have deleted it by hand and another process taken the folder.
    if (readPid(lockPath) === process.pid) rmSync(lockPath, { force: true });
  };
  process.on('exit', release);
  return release;
}

/** The lock exists: take it if its holder is gone, under a guard so two starters cannot both do so. */
function takeOverStale(dataDir: string, lockPath: string): void {
  const holder = liveHolder(lockPath);
  if (holder !== null) throw new DataDirLockedError(dataDir, holder);
  const guardPath = `${lockPath}.takeover`;
  if (!tryCreate(guardPath)) {
    // Another process is taking over right now, or crashed while doing so (then its guard is stale).
    const guardHolder = liveHolder(guardPath);
    if (guardHolder !== null) throw new DataDirLockedError(dataDir, guardHolder);
    rmSync(guardPath, { force: true });
    if (!tryCreate(guardPath)) throw new DataDirLockedError(dataDir, readPid(guardPath));
  }
  try {
    // Checked again under the guard: another starter may have taken it over in between.
    const current = liveHolder(lockPath);
    if (current !== null) throw new DataDirLockedError(dataDir, current);
    rmSync(lockPath, { force: true });
    // Fails only if a process that found no lock file at all created one since: it holds the folder.
    if (!tryCreate(lockPath)) throw new DataDirLockedError(dataDir, readPid(lockPath));
  } finally {
    rmSync(guardPath, { force: true });
  }
}

/** Creates `file` holding our pid, atomically; false when it exists. */
function tryCreate(file: string): boolean {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${process.pid}\n`);
  try {
    linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temp, { force: true });
  }
}

function readPid(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** The pid in `file` when that process is alive and is not this one; null when the file is stale or gone. */
function liveHolder(file: string): number | null {
  const pid = readPid(file);
  if (pid === null || pid === process.pid) return null;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : null;
  }
}
