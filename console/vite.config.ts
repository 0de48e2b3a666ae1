import { defineConfig } from 'vite';

// Built with `npm run console:build` (vite build console); the output is committed in console/dist
// and served by the local gateway under /_local/console/ (see docs/console.md, "The UI stack").
export default defineConfig({
  base: '/_local/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Nothing is fetched from elsewhere at run time, so one small bundle is enough; no source maps
    // keep the committed build small and reviewable.
    sourcemap: false,
    reportCompressedSize: false,
  },
});
