// The Instagram Polling Trigger's poll() with a hand-written IPollFunctions against the
// sandbox: the first poll records without emitting, later polls emit only new items, a manual
// run returns the newest item as a sample and leaves the state alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientFor, ig, require } from './helpers.mjs';

const { InstagramPollingTrigger } = require('../dist/nodes/InstagramPollingTrigger/InstagramPollingTrigger.node.js');
const { NodeOperationError, NodeApiError, ObservableObject } = require('n8n-workflow');

const NODE = {
	id: 'aa11bb22-cc33-4d44-8e55-ff6677889900',
	name: 'Instagram Polling Trigger',
	type: 'n8n-nodes-instagram-graph.instagramPollingTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

function pollContext({ params, credentials, staticData, mode = 'trigger' }) {
	const node = new InstagramPollingTrigger();
	const ctx = {
		getNode: () => NODE,
		getMode: () => mode,
		getActivationMode: () => 'activate',
		getNodeParameter: (n, fallback) => (Object.hasOwn(params, n) ? params[n] : (node.description.properties.find((p) => p.name === n)?.default ?? fallback)),
		getCredentials: async () => credentials,
		getWorkflowStaticData: (type) => {
			assert.equal(type, 'node');
			return staticData;
		},
		helpers: {},
	};
	return () => node.poll.call(ctx);
}

let sb;
let creds;
before(async () => {
	sb = await ig.startSandbox({ mediaCount: 30 });
	creds = { accessToken: sb.accessToken, login: 'instagram', baseUrl: sb.url };
});
after(async () => {
	await sb?.stop();
});

describe('Instagram Polling Trigger: new media', () => {
	test('first poll records, second emits nothing, a new media is emitted once with event_type', async () => {
		// n8n's own observable static data: n8n saves it only when it marks itself changed.
		const staticData = ObservableObject.create({}, undefined, { ignoreEmptyOnFirstChild: true });
		const poll = pollContext({ params: { event: 'newMedia' }, credentials: creds, staticData });
		assert.equal(await poll(), null);
		assert.equal(staticData.__dataChanged, true);
		const state = staticData.instagramPoll;
		assert.equal(state.event, 'newMedia');
		assert.ok(state.ids.length > 0 && state.ids.length <= 100);
		assert.ok(state.newest > 0);
		assert.equal(await poll(), null);

		// Make the newest media new again, as if it had been published after the last poll.
		const c = clientFor(sb);
		const [newest] = (await c.call('media.list', { limit: 1, fields: 'id,timestamp' })).data;
		c.close();
		// Each poll stores a new state object (n8n then sees the static data changed).
		const now = staticData.instagramPoll;
		assert.notEqual(now, state);
		now.ids = now.ids.filter((id) => id !== newest.id);
		now.newest = Date.parse(newest.timestamp.replace(/(\d\d)(\d\d)$/, '$1:$2')) - 1;
		const out = await poll();
		assert.equal(out.length, 1);
		assert.deepEqual(out[0].map((i) => i.json.id), [newest.id]);
		assert.equal(out[0][0].json.event_type, 'new_media');
		assert.ok('media_type' in out[0][0].json, 'a plain Graph media object');
		assert.equal(await poll(), null, 'emitted once');
	});

	test('manual mode returns the newest item as a sample and leaves the state alone', async () => {
		const staticData = {};
		const out = await pollContext({ params: { event: 'newMedia' }, credentials: creds, staticData, mode: 'manual' })();
		assert.equal(out[0].length, 1);
		assert.equal(out[0][0].json.event_type, 'new_media');
		assert.deepEqual(staticData, {});
		const c = clientFor(sb);
		const [newest] = (await c.call('media.list', { limit: 1 })).data;
		c.close();
		assert.equal(out[0][0].json.id, newest.id);
	});

	test('another event starts over (the first poll of it emits nothing)', async () => {
		const staticData = {};
		await pollContext({ params: { event: 'newMedia' }, credentials: creds, staticData })();
		const out = await pollContext({ params: { event: 'newComment', options: { recentMedia: 3 } }, credentials: creds, staticData })();
		assert.equal(out, null);
		assert.equal(staticData.instagramPoll.event, 'newComment');
	});
});

describe('Instagram Polling Trigger: new comments, stories, tags', () => {
	test('a comment made between polls is emitted with its media_id', async () => {
		const staticData = {};
		const poll = pollContext({ params: { event: 'newComment', options: { recentMedia: 5 } }, credentials: creds, staticData });
		assert.equal(await poll(), null);
		// Simulated activity adds the comment to the sandbox's world (and delivers its webhook).
		await sb.simulate('comment', { text: 'polled comment' });
		const out = await poll();
		assert.ok(out, 'the new comment is emitted');
		const texts = out[0].map((i) => i.json.text);
		assert.deepEqual(texts, ['polled comment']);
		assert.equal(out[0][0].json.event_type, 'new_comment');
		assert.equal(typeof out[0][0].json.media_id, 'string');
		assert.equal(await poll(), null);
	});

	test('stories: first poll records, second emits nothing', async () => {
		const staticData = {};
		const poll = pollContext({ params: { event: 'newStory' }, credentials: creds, staticData });
		assert.equal(await poll(), null);
		assert.equal(staticData.instagramPoll.event, 'newStory');
		assert.equal(await poll(), null);
	});

	test('tagged media needs Facebook Login: a clear error otherwise', async () => {
		await assert.rejects(pollContext({ params: { event: 'newTaggedMedia' }, credentials: creds, staticData: {} })(), (e) => {
			assert.ok(e instanceof NodeOperationError);
			assert.match(e.message, /Facebook Login/);
			return true;
		});
	});

	test('tagged media with Facebook Login: first poll records, a manual run samples', async () => {
		const fb = { accessToken: sb.facebookAccessToken, login: 'facebook', baseUrl: sb.url };
		const staticData = {};
		const params = { event: 'newTaggedMedia', options: { igUserId: sb.igUserId } };
		assert.equal(await pollContext({ params, credentials: fb, staticData })(), null);
		assert.equal(staticData.instagramPoll.event, 'newTaggedMedia');
		// The sandbox's world has media of other accounts that tag the demo account.
		const sample = await pollContext({ params, credentials: fb, staticData: {}, mode: 'manual' })();
		assert.ok(sample, 'a manual run samples the tagged media');
		assert.equal(sample[0][0].json.event_type, 'new_tagged_media');
		assert.equal(typeof sample[0][0].json.username, 'string', 'the tagging account');
	});

	test('Graph errors surface as n8n errors without the token', async () => {
		const bad = { ...creds, accessToken: 'IGAAnot-a-real-token' };
		await assert.rejects(pollContext({ params: { event: 'newMedia' }, credentials: bad, staticData: {} })(), (e) => {
			assert.ok(e instanceof NodeApiError || e instanceof NodeOperationError);
			assert.ok(!e.message.includes('not-a-real-token'));
			return true;
		});
	});
});
