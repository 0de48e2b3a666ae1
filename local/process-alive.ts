// Whether a process still runs, for the files and folders a process leaves with its id in them
// (the runtime file, scratch folders, DynamoDB Local's launcher copies): one answer for all.

/**
 * Whether a process with this id exists. One of another user counts: it cannot be signalled
 * (`EPERM`), yet it lives.
 *
 * @example
 * isProcessAlive(process.pid); // true
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
