// The sandbox command (target/release/instagram-graph-sandbox) as a child process: started with
// --exit-on-stdin-eof, so it ends with the benchmark even if the benchmark dies.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Start the sandbox with `args`; resolves to its info line (`url`, `access_token`, ...) plus `stop()`. */
export function startSandbox(bin, args = []) {
	const child = spawn(bin, ['--exit-on-stdin-eof', ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
	return new Promise((resolve, reject) => {
		const lines = createInterface({ input: child.stdout });
		child.once('error', (e) => reject(new Error(`cannot start ${bin}: ${e.message}`)));
		child.once('exit', (code) => reject(new Error(`${bin} ${args.join(' ')} exited with ${code} before printing its info`)));
		lines.once('line', (line) => {
			child.removeAllListeners('exit');
			const info = JSON.parse(line);
			const exited = new Promise((done) => child.once('exit', done));
			resolve({
				...info,
				async stop() {
					child.stdin.end();
					await exited;
				},
			});
		});
	});
}

/** `GET {url}/_sandbox/stats` → `{ requests, by_endpoint }`. */
export async function sandboxStats(sb) {
	const res = await fetch(`${sb.url}/_sandbox/stats`);
	if (!res.ok) throw new Error(`sandbox stats: HTTP ${res.status}`);
	return res.json();
}
