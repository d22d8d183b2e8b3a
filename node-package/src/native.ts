/**
 * Loads the napi-rs addon shipped inside this package and unwraps its JSON envelopes.
 *
 * n8n installs community packages without optional dependencies and without install scripts,
 * so every platform's `.node` file ships in `native/` and is loaded by a relative `require`.
 * n8n's package scanner forbids the usual ways of asking which platform this is (the `process`
 * global, `os`, `fs`, `child_process`), so napi-rs's detection (`process.platform`/`arch`, musl
 * from `process.report`) cannot be used here. Instead the loader tries candidates in an order in
 * which a wrong candidate fails cleanly, and checks what it loaded:
 *
 * - On Linux the musl addon comes before the glibc one. A musl-linked addon's only dependency
 *   is musl's `libc.musl-<arch>.so.1` (scripts/xbuild.sh names it so, as Alpine's own builds
 *   do), which a glibc process does not have, so the musl addon loads only into a musl
 *   process: a successful load proves musl. The other order is unsafe: on Alpine with
 *   gcompat, the glibc addon could load into a musl process.
 *   Other OS and architecture mismatches fail in the dynamic loader (wrong ELF machine, not a
 *   Mach-O or PE file), before any addon code runs.
 * - Where the standard `navigator` global has `platform` (Node >= 21.2: `Linux x86_64`,
 *   `Linux arm64`, `MacIntel` on both Mac architectures, `Win32`), only that platform's
 *   candidates are tried and the others are skipped. Without it (Node 20, or
 *   `--no-experimental-global-navigator`) or for a string not recognised, all are tried in
 *   {@link SAFE_ORDER}.
 * - Each addon exports `nativeTarget()`, the Rust target it was compiled for (cargo's `TARGET`,
 *   bindings-node/build.rs). A loaded file whose target is not the platform in its name (a
 *   renamed or mis-copied build) is refused and the next candidate tried.
 *
 * When nothing fits, the error names the platform (navigator's, when there is one) and gives
 * each candidate tried with its one-line reason.
 */
import { errorFromFields, InstagramError, localError } from './errors';

/** The addon's progress callback: one report as JSON text. */
export type NativeProgress = (json: string) => void;

/** The addon's cancel handle: one per call or walk given an `AbortSignal`. */
export interface NativeCancelHandle {
	cancel(): void;
	readonly cancelled: boolean;
}

/** The addon's client (see bindings-node/src/lib.rs). */
export interface NativeClientHandle {
	call(
		opId: string,
		paramsJson: string,
		detailed?: boolean | null,
		progress?: NativeProgress | null,
		cancel?: NativeCancelHandle | null,
	): Promise<string>;
	paginator(
		opId: string,
		paramsJson: string,
		maxItems?: number | null,
		progress?: NativeProgress | null,
		cancel?: NativeCancelHandle | null,
	): NativePaginatorHandle;
	usage(): string;
	close(): void;
	/** Resolves to an envelope whose value is the new token info, or `null` when nothing was due. */
	refreshTokenIfNeeded(aheadMs?: number | null): Promise<string>;
	readonly closed: boolean;
	readonly apiVersion: string;
	readonly versionWarning: string | null;
	readonly tokenWarning: string | null;
	readonly tokenExpiresAt: number | null;
	readonly baseUrl: string;
}

/** The addon's paginator. */
export interface NativePaginatorHandle {
	nextPage(): Promise<string>;
}

/** The addon's running sandbox. */
export interface NativeSandboxHandle {
	readonly url: string;
	readonly accessToken: string;
	readonly facebookAccessToken: string;
	readonly pageAccessToken: string;
	readonly appId: string;
	readonly appSecret: string;
	readonly igUserId: string;
	readonly pageId: string;
	readonly info: string;
	/** Resolves once the server thread has stopped (joined off the JavaScript thread). */
	stop(): Promise<void>;
}

/** Everything the addon exports. */
export interface NativeBinding {
	/** `onTokenRefresh` gets the new token info as JSON text, through a threadsafe function. */
	NativeClient: new (configJson: string, onTokenRefresh?: NativeProgress | null) => NativeClientHandle;
	NativeCancel: new () => NativeCancelHandle;
	operations(): string;
	defaultApiVersion(): string;
	/** The Rust target triple the addon was compiled for (cargo's `TARGET`). */
	nativeTarget(): string;
	startSandbox?(optionsJson: string): NativeSandboxHandle;
}

/** The platforms an addon is shipped for, as napi-rs names them (`native/instagram-graph.<triple>.node`). */
export type Triple =
	| 'linux-x64-gnu'
	| 'linux-x64-musl'
	| 'linux-arm64-gnu'
	| 'linux-arm64-musl'
	| 'darwin-arm64'
	| 'darwin-x64'
	| 'win32-x64-msvc';

/**
 * Every candidate, in an order safe without knowing the platform: musl before glibc on each
 * Linux architecture (see the header), then the rest, whose mismatches all fail to load.
 */
export const SAFE_ORDER: readonly Triple[] = [
	'linux-x64-musl',
	'linux-x64-gnu',
	'linux-arm64-musl',
	'linux-arm64-gnu',
	'darwin-arm64',
	'darwin-x64',
	'win32-x64-msvc',
];

/* eslint-disable @typescript-eslint/no-require-imports -- a .node addon can only be loaded with require */
// Literal paths, one per file: the scanner accepts only relative requires it can read.
const LOADERS: Readonly<Record<Triple, () => unknown>> = {
	'linux-x64-gnu': () => require('../../native/instagram-graph.linux-x64-gnu.node'),
	'linux-x64-musl': () => require('../../native/instagram-graph.linux-x64-musl.node'),
	'linux-arm64-gnu': () => require('../../native/instagram-graph.linux-arm64-gnu.node'),
	'linux-arm64-musl': () => require('../../native/instagram-graph.linux-arm64-musl.node'),
	'darwin-arm64': () => require('../../native/instagram-graph.darwin-arm64.node'),
	'darwin-x64': () => require('../../native/instagram-graph.darwin-x64.node'),
	'win32-x64-msvc': () => require('../../native/instagram-graph.win32-x64-msvc.node'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The candidates to try for a `navigator.platform` string (`undefined`: no navigator), in
 * order. A recognised platform gets its own candidates only (musl first on Linux); anything else
 * gets all of them in {@link SAFE_ORDER}. Node's strings are matched, and the spellings other
 * runtimes use for the same platform (`Linux aarch64`, `Win64`).
 */
export function candidateOrder(navigatorPlatform: string | undefined): Triple[] {
	const p = (navigatorPlatform ?? '').trim();
	if (/^Linux (x86_64|x64|amd64)$/i.test(p)) return ['linux-x64-musl', 'linux-x64-gnu'];
	if (/^Linux (aarch64|arm64)$/i.test(p)) return ['linux-arm64-musl', 'linux-arm64-gnu'];
	// 'MacIntel' on Apple silicon too (as in browsers): either Mac build may be the one.
	if (/^Mac/.test(p)) return ['darwin-arm64', 'darwin-x64'];
	// 'Win32' on 64-bit Windows too; only an x64 build ships.
	if (/^Win(32|64)$/.test(p)) return ['win32-x64-msvc'];
	return [...SAFE_ORDER];
}

/**
 * The napi-rs platform of a Rust target triple (`x86_64-unknown-linux-musl` → `linux-x64-musl`),
 * or `undefined` for one no addon is shipped for. Windows builds of either ABI map to
 * `win32-x64-msvc`: the GNU-ABI build ships under the name Node users' loaders look for.
 */
export function tripleOfRustTarget(rustTarget: string): Triple | undefined {
	const parts = rustTarget.split('-');
	const arch = ({ x86_64: 'x64', aarch64: 'arm64' } as Record<string, string | undefined>)[parts[0] ?? ''];
	if (!arch) return undefined;
	const env = parts[parts.length - 1] ?? '';
	let triple: string | undefined;
	if (parts.includes('linux')) {
		if (env.startsWith('musl')) triple = `linux-${arch}-musl`;
		else if (env.startsWith('gnu')) triple = `linux-${arch}-gnu`;
	} else if (parts.includes('darwin')) {
		triple = `darwin-${arch}`;
	} else if (parts.includes('windows')) {
		triple = `win32-${arch}-msvc`;
	}
	return SAFE_ORDER.find((t) => t === triple);
}

/** Which addon was loaded: see {@link addonInfo}. */
export interface AddonInfo {
	/** The file's platform, `native/instagram-graph.<triple>.node`. */
	triple: Triple;
	/** The Rust target the addon was compiled for, e.g. `x86_64-unknown-linux-musl`. */
	rustTarget: string;
}

// Declared here rather than through lib "dom" (which would admit every browser global) or a
// newer @types/node (the package supports Node 20, which has no navigator).
declare const navigator: { readonly platform?: unknown } | undefined;

/** `navigator.platform`, or `undefined` where the runtime has no navigator. */
function navigatorPlatform(): string | undefined {
	if (typeof navigator === 'undefined' || navigator === null) return undefined;
	const p = navigator.platform;
	return typeof p === 'string' ? p : undefined;
}

let cached: { binding: NativeBinding; info: AddonInfo } | undefined;

function isBinding(m: unknown): m is NativeBinding {
	const b = m as Partial<NativeBinding> | null;
	return (
		typeof b === 'object' &&
		b !== null &&
		typeof b.NativeClient === 'function' &&
		typeof b.NativeCancel === 'function' &&
		typeof b.operations === 'function' &&
		typeof b.nativeTarget === 'function'
	);
}

/** The first line of what a failed `require` of `triple`'s file threw, said plainly where it misleads. */
function loadFailure(e: unknown, triple?: Triple): string {
	if ((e as { code?: unknown } | null)?.code === 'MODULE_NOT_FOUND') return 'not shipped in native/';
	const msg = e instanceof Error ? e.message : String(e);
	const line = msg.split('\n')[0] ?? msg;
	// glibc's loader answers "No such file" for a library built for another machine, naming
	// the very file `require` has just found.
	const file = `instagram-graph.${triple ?? ''}.node: cannot open shared object file: No such file or directory`;
	if (triple && line.endsWith(`/${file}`)) return `${line} (it is there: built for another architecture)`;
	return line;
}

function load(): { binding: NativeBinding; info: AddonInfo } {
	const platform = navigatorPlatform();
	const order = candidateOrder(platform);
	const tried: string[] = [];
	for (const triple of order) {
		let m: unknown;
		try {
			m = LOADERS[triple]();
		} catch (e) {
			tried.push(`${triple}: ${loadFailure(e, triple)}`);
			continue;
		}
		if (!isBinding(m)) {
			tried.push(`${triple}: loaded, but is not this package's addon`);
			continue;
		}
		let rustTarget: unknown;
		try {
			rustTarget = m.nativeTarget();
		} catch (e) {
			tried.push(`${triple}: loaded, but nativeTarget() failed: ${loadFailure(e)}`);
			continue;
		}
		if (typeof rustTarget !== 'string' || tripleOfRustTarget(rustTarget) !== triple) {
			tried.push(`${triple}: loaded, but it was built for ${String(rustTarget)}`);
			continue;
		}
		return { binding: m, info: { triple, rustTarget } };
	}
	const skipped = SAFE_ORDER.filter((t) => !order.includes(t));
	throw localError(
		'internal',
		'n8n-nodes-instagram-graph: no native addon in native/ fits this platform ' +
			`(${platform === undefined ? 'unknown: this runtime has no navigator.platform' : `navigator.platform '${platform}'`}). ` +
			`Tried instagram-graph.<triple>.node for: ${tried.join('; ')}.` +
			(skipped.length ? ` Not tried (another platform): ${skipped.join(', ')}.` : '') +
			' Build it with `make node-addon` or install a package built for this platform.',
	);
}

/** The addon for this platform; throws an {@link InstagramError} (`internal`) listing what was tried. */
export function loadNative(): NativeBinding {
	cached ??= load();
	return cached.binding;
}

/**
 * Which addon this process loaded: its platform triple and the Rust target it was compiled
 * for, e.g. `{ triple: 'linux-x64-musl', rustTarget: 'x86_64-unknown-linux-musl' }`. Loads the
 * addon if needed; throws like {@link loadNative} when none fits.
 */
export function addonInfo(): AddonInfo {
	cached ??= load();
	return { ...cached.info };
}

interface Envelope {
	ok: boolean;
	value?: unknown;
	error?: Record<string, unknown>;
}

function parseEnvelope(text: string): Envelope | undefined {
	if (!text.startsWith('{"')) return undefined;
	try {
		const v = JSON.parse(text) as unknown;
		if (typeof v === 'object' && v !== null && typeof (v as Envelope).ok === 'boolean') {
			return v as Envelope;
		}
	} catch {
		// Not an envelope: fall through.
	}
	return undefined;
}

/** The value of an envelope string, or the typed error it carries. */
export function unwrap(text: string): unknown {
	const env = parseEnvelope(text);
	if (!env) throw localError('internal', 'native addon returned an unreadable answer');
	if (env.ok) return env.value ?? null;
	throw errorFromFields(env.error ?? {});
}

/**
 * Convert what a synchronous addon call threw: the addon throws an `Error` whose message is
 * an error envelope. Anything else becomes an `internal` error.
 */
export function fromThrown(e: unknown): InstagramError {
	if (e instanceof InstagramError) return e;
	const message = e instanceof Error ? e.message : String(e);
	const env = parseEnvelope(message);
	if (env && !env.ok) return errorFromFields(env.error ?? {});
	return localError('internal', `native addon failed: ${message}`);
}

/** Run a synchronous addon call, converting its failures to typed errors. */
export function callSync<T>(f: () => T): T {
	try {
		return f();
	} catch (e) {
		throw fromThrown(e);
	}
}

/** JSON text of `value` for the addon; unserialisable input becomes `invalid_params`. */
export function toJson(what: string, value: unknown): string {
	let failure: InstagramError | undefined;
	let text: string | undefined;
	try {
		text = JSON.stringify(value ?? {}, (key, v: unknown) => {
			// JSON would turn NaN/Infinity into null, silently dropping the param.
			if (typeof v === 'number' && !Number.isFinite(v)) {
				failure ??= localError('invalid_params', `${what}${key ? `.${key}` : ''}: ${v} is not a finite number`);
			}
			return v;
		});
	} catch (e) {
		const msg = e instanceof Error ? e.message : String(e);
		failure = localError('invalid_params', `${what}: cannot be sent as JSON: ${msg}`);
	}
	if (failure) throw failure;
	return text ?? '{}';
}
