// shortcode: the reference vectors of fixtures/shortcodes.json (public values, not computed
// by this project), URL forms, and typed errors for anything else.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ig, REPO_DIR } from './helpers.mjs';

const { shortcode } = ig;
const F = JSON.parse(readFileSync(join(REPO_DIR, 'fixtures', 'shortcodes.json'), 'utf8'));

const invalid = (e) => {
	assert.ok(e instanceof ig.InvalidParamsError, `expected InvalidParamsError, got ${e?.name}: ${e?.message}`);
	assert.equal(e.kind, 'invalid_params');
	assert.match(e.message, /^shortcode\./);
	return true;
};

describe('shortcode', () => {
	test('pairs: shortcode ↔ pk, and the creation time', () => {
		for (const p of F.pairs) {
			assert.equal(shortcode.toPk(p.shortcode), p.pk, p.shortcode);
			assert.equal(shortcode.fromPk(p.pk), p.shortcode);
			assert.equal(shortcode.fromPk(BigInt(p.pk)), p.shortcode);
			if (p.taken_at) assert.equal(shortcode.createdAt(p.pk)?.toISOString().replace('.000', ''), p.taken_at.replace(/Z$/, '') + 'Z');
		}
	});

	test('private-share codes and legacy ids', () => {
		for (const p of F.private_share) {
			assert.equal(shortcode.toPk(p.shortcode), p.pk);
			assert.equal(shortcode.parse(p.shortcode), p.public);
		}
		for (const p of F.legacy_ids) assert.equal(shortcode.fromPk(p.id), shortcode.fromPk(p.pk));
		assert.equal(shortcode.fromPk(0), 'A');
	});

	test('URLs', () => {
		for (const u of F.urls) {
			assert.equal(shortcode.fromUrl(u.url), u.shortcode, u.url);
			assert.equal(shortcode.parse(u.url), u.shortcode, u.url);
		}
		for (const u of F.invalid_urls) {
			assert.throws(() => shortcode.fromUrl(u), invalid, u);
			assert.throws(() => shortcode.parse(u), invalid, u);
		}
		assert.throws(() => shortcode.fromUrl('https://www.instagram.com/stories/a/1/'), /story/);
	});

	test('invalid shortcodes and pks are typed errors', () => {
		for (const c of F.invalid_shortcodes) assert.throws(() => shortcode.toPk(c), invalid, JSON.stringify(c));
		for (const p of F.invalid_pks) assert.throws(() => shortcode.fromPk(p), invalid, p);
		assert.throws(() => shortcode.fromPk(2 ** 60), invalid, 'an inexact number');
		assert.throws(() => shortcode.toPk(42), invalid);
		assert.throws(() => shortcode.fromUrl(null), invalid);
	});
});
