// Entry point of the bundled language server (dist/lsp.js): LSP over stdin and stdout, as the
// VS Code extension starts it and as `numa-lab lsp --stdio` does for other editors.
import { startStdioServer } from './stdio';

startStdioServer();
