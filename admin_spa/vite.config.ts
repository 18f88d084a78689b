import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Ships codegen's src/gql/persisted-documents.json as dist/persisted-documents.json: the
 * operations the SPA calls by id, which the API registers when it starts with this build.
 */
function persistedDocuments(): Plugin {
  const manifest = new URL('./src/gql/persisted-documents.json', import.meta.url);
  return {
    name: 'membership-persisted-documents',
    apply: 'build',
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: 'persisted-documents.json',
        source: readFileSync(manifest, 'utf-8'),
      });
    },
  };
}

// `npm run dev` forwards API calls to a locally running backend (`membership serve`).
const apiTarget = process.env.MEMBERSHIP_API_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/admin/',
  plugins: [react(), persistedDocuments()],
  server: {
    proxy: {
      '/graphql': { target: apiTarget, changeOrigin: true },
    },
  },
  preview: {
    port: 5199,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // antd is left to automatic splitting, so each page pulls only the components it uses.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              // Always needed and rarely changed: cached across releases of the pages.
              name: 'vendor',
              test: /node_modules[\\/](react|react-dom|scheduler|react-router|cookie|set-cookie-parser|urql|@urql|wonka|@0no-co|i18next|react-i18next|html-parse-stringify|void-elements)[\\/]/,
              priority: 20,
            },
          ],
        },
      },
    },
  },
});
