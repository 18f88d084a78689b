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
    chunkSizeWarningLimit: 1200,
  },
});
