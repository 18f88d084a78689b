import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` forwards API calls to a locally running backend (`membership serve`).
const apiTarget = process.env.MEMBERSHIP_API_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/admin/',
  plugins: [react()],
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
