/**
 * Jest on Node 20 cannot require() an ES module (Node 24.9+ can). The mailer module,
 * @nestjs/throttler and @nest-lab/throttler-storage-redis are CommonJS and require
 * @nestjs/common (and @nestjs/core), which are ESM-only. This transform points those
 * require() calls at the ESM instance the test run already imported (esm-preload.mjs), so
 * there is still exactly one @nestjs/common. Applied to those packages only (jest.config.json).
 */
const SHIMMED = /require\("(@nestjs\/common|@nestjs\/core)"\)/g;

module.exports = {
  process(source) {
    return { code: source.replace(SHIMMED, (_, name) => `globalThis.__preloadedEsm[${JSON.stringify(name)}]`) };
  },
  getCacheKey(source, path) {
    return `esm-require-shim:v1:${path}:${source.length}:${require('node:crypto').createHash('sha1').update(source).digest('hex')}`;
  },
};
