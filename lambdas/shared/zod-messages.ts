/**
 * English issue messages for `zod/mini`, the same text the full `zod` build sets up when it is
 * imported ("Invalid input: expected string, received number"). `zod/mini` ships no locale, so
 * without this every issue would read only "Invalid input". Import it for its effect, next to
 * `zod/mini`, in every module that parses runtime input; package.json lists it in `sideEffects`
 * so bundlers keep it.
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

// biome-ignore lint/complexity/noUselessEmptyExport: esbuild takes a file without exports for CommonJS and wraps it and all it imports, here zod (evanw/esbuild#2768, #4381).
export {};
