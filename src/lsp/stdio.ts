// The server on this process's stdin and stdout. Given the streams themselves, the library ends
// the process when stdin closes (the editor went away). Nothing else may write to stdout: it
// carries the protocol, so console output goes to the client's log instead.
import { createConnection } from 'vscode-languageserver/node';
import { startServer } from './server';

export function startStdioServer(): void {
  const connection = createConnection(process.stdin, process.stdout);
  console.log = (...a: unknown[]) => connection.console.log(a.map(String).join(' '));
  console.info = console.log;
  console.warn = (...a: unknown[]) => connection.console.warn(a.map(String).join(' '));
  console.error = (...a: unknown[]) => connection.console.error(a.map(String).join(' '));
  startServer(connection);
}
