/**
 * `shortcode`: Instagram shortcodes, media pks and permalinks (pure functions, no requests).
 *
 * A shortcode (`BGvuInzyFAe` in `https://www.instagram.com/p/BGvuInzyFAe/`) spells Instagram's
 * internal media pk in base 64 (alphabet `A-Z a-z 0-9 - _`). The pk is not the Graph API media
 * id; to find a Graph media by shortcode or URL, call `media.by_shortcode`.
 *
 * ```js
 * const { shortcode } = require('n8n-nodes-instagram-graph');
 * shortcode.toPk('BGvuInzyFAe');                                      // '1274440122209161246'
 * shortcode.fromPk('1274440122209161246');                            // 'BGvuInzyFAe'
 * shortcode.fromUrl('https://www.instagram.com/reel/BGvuInzyFAe/?igsh=x'); // 'BGvuInzyFAe'
 * ```
 *
 * Pks exceed 2^53, so they are decimal strings (a `bigint` is accepted too). Invalid input
 * throws `InvalidParamsError`. Implemented by the Rust core (`instagram_graph::shortcode`).
 */
import { localError } from './errors';
import { callSync, loadNative, type NativeBinding } from './native';

/** The shortcode functions of the addon (bindings-node/src/lib.rs). */
interface NativeShortcode {
	shortcodeToPk(shortcode: string): string;
	shortcodeFromPk(pk: string): string;
	shortcodeFromUrl(url: string): string;
	shortcodeParse(input: string): string;
	shortcodeCreatedAt(pk: string): number | null;
}

function native(): NativeShortcode {
	const b = loadNative() as NativeBinding & Partial<NativeShortcode>;
	if (typeof b.shortcodeToPk !== 'function') {
		throw localError('unsupported', 'this build of the native addon has no shortcode functions');
	}
	return b as NativeBinding & NativeShortcode;
}

function text(what: string, value: unknown): string {
	if (typeof value !== 'string') {
		throw localError('invalid_params', `shortcode.${what}: expected a string, got ${value === null ? 'null' : typeof value}`);
	}
	return value;
}

/** A pk as decimal text: strings as given, bigints, and numbers only while exact. */
function pkText(what: string, pk: unknown): string {
	if (typeof pk === 'bigint') return pk.toString();
	if (typeof pk === 'number') {
		if (!Number.isSafeInteger(pk) || pk < 0) {
			throw localError('invalid_params', `shortcode.${what}: ${pk} is not an exact media pk; pass pks as strings or bigints (they exceed 2^53)`);
		}
		return String(pk);
	}
	return text(what, pk);
}

/** The media pk (decimal string) a shortcode spells; a private-share suffix is dropped. */
export function toPk(shortcode: string): string {
	const s = text('toPk', shortcode);
	return callSync(() => native().shortcodeToPk(s));
}

/** The shortcode of a media pk (decimal string, bigint or safe integer; `<pk>_<owner>` too). */
export function fromPk(pk: string | bigint | number): string {
	const p = pkText('fromPk', pk);
	return callSync(() => native().shortcodeFromPk(p));
}

/**
 * The shortcode in an Instagram post, reel or IGTV URL (`/p/`, `/reel/`, `/reels/`, `/tv/`;
 * with or without scheme and `www.`; query string and trailing slash allowed).
 */
export function fromUrl(url: string): string {
	const u = text('fromUrl', url);
	return callSync(() => native().shortcodeFromUrl(u));
}

/** The public shortcode of what a user pastes: a post/reel URL or a bare shortcode. */
export function parse(input: string): string {
	const s = text('parse', input);
	return callSync(() => native().shortcodeParse(s));
}

/**
 * When the media was created, from the time Instagram encodes in its pk (not documented by
 * Meta: a hint, not a fact), or `null`.
 */
export function createdAt(pk: string | bigint | number): Date | null {
	const p = pkText('createdAt', pk);
	const secs = callSync(() => native().shortcodeCreatedAt(p));
	return secs === null || secs === undefined ? null : new Date(secs * 1000);
}
