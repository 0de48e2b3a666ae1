// Writes through every channel a function has: console at several levels and raw stdout/stderr.
console.log('loading chatty');

export const handler = async () => {
  console.log('first line');
  console.debug('a debug line');
  console.error('second line');
  process.stdout.write('third line\n');
  await new Promise((resolve) => setTimeout(resolve, 5));
  process.stderr.write('fourth line\n');
  console.trace('a trace line');
  console.info('two-line\nmessage');
  return 'done';
};
