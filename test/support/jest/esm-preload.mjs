// See esm-require-shim.cjs: the ESM packages CommonJS dependencies require() in tests.
globalThis.__preloadedEsm = {
  '@nestjs/common': await import('@nestjs/common'),
  '@nestjs/core': await import('@nestjs/core'),
};
