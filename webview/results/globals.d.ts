// CSS imports are bundled by esbuild into dist/webview/results.css.
declare module '*.css';
