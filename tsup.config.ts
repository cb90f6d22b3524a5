import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', webrtc: 'src/webrtc.ts', 'cli/bin': 'src/cli/bin.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // Shared chunks keep one VoxwireError class across 'voxwire' and 'voxwire/webrtc' (instanceof holds).
  splitting: true,
  // import.meta.url (locating assets/) in the CommonJS build.
  shims: true,
});
