// The demo job through the public Node API only: start the embedded sandbox, read the demo
// account's profile, count its media by type (walking every page), list its 5 most-commented
// media, answer the newest DM inside the 24-hour window and show the refusal outside it, stop
// the sandbox. Run `make demo` (or, after `make node-build`:
// `node examples/demo.mjs [--seed N] [--media-count N]`).
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { InstagramClient, startSandbox } = require('../node-package');

const excerpt = (text, n = 60) => {
	const line = String(text ?? '').replace(/\s+/g, ' ').trim();
	return line.length > n ? `${line.slice(0, n - 1)}…` : line;
};

const { values: args } = parseArgs({
	options: { seed: { type: 'string' }, 'media-count': { type: 'string' } },
});
const sb = await startSandbox({
	seed: args.seed === undefined ? undefined : Number(args.seed),
	mediaCount: args['media-count'] === undefined ? undefined : Number(args['media-count']),
});
try {
	console.log(`Sandbox Graph API at ${sb.url} (account ${sb.igUserId})\n`);
	const client = new InstagramClient({ accessToken: sb.accessToken, baseUrl: sb.url });

	const me = await client.user.get({ fields: 'id,username,name,followers_count,media_count' });
	console.log('Profile');
	console.log(`  username   @${me.username}`);
	console.log(`  name       ${me.name}`);
	console.log(`  followers  ${me.followers_count.toLocaleString('en-US')}`);
	console.log(`  media      ${me.media_count}\n`);

	const byType = new Map();
	const top = [];
	let walked = 0;
	for await (const m of client.paginate('media.list', {
		ig_user_id: sb.igUserId,
		fields: 'id,media_type,comments_count,permalink,caption',
	})) {
		walked++;
		byType.set(m.media_type, (byType.get(m.media_type) ?? 0) + 1);
		// Keep only the 5 best so far: one page in memory, never the whole feed.
		top.push(m);
		top.sort((a, b) => (b.comments_count ?? 0) - (a.comments_count ?? 0));
		top.length = Math.min(top.length, 5);
	}

	console.log(`Media by type (${walked} walked)`);
	for (const [type, n] of [...byType].sort((a, b) => b[1] - a[1])) {
		console.log(`  ${type.padEnd(15)} ${String(n).padStart(4)}`);
	}

	console.log('\nMost-commented media');
	top.forEach((m, i) => {
		console.log(`  ${i + 1}. ${m.id}  ${String(m.comments_count).padStart(4)} comments  ${m.permalink}`);
		console.log(`     ${excerpt(m.caption) || '(no caption)'}`);
	});

	// The inbox: the newest conversation's last message, answered inline while the person's
	// 24-hour window is open; a send to someone who wrote 8 days ago is refused before it counts.
	const { messaging } = sb.info;
	const convs = await client.conversations.list({ limit: 3 });
	console.log(`\nInbox (${convs.data.length} newest conversations)`);
	const thread = await client.conversations.messages({ conversation_id: messaging.conversation_id, limit: 1, fields: 'id,message,from,created_time' });
	const last = thread.data[0];
	console.log(`  last message  @${last.from?.username ?? last.from?.id}: ${excerpt(last.message)}`);
	const sent = await client.messages.sendText({ recipient_id: messaging.recipient_id, text: 'Thanks for writing! We ship on Mondays.', reply_to: last.id });
	console.log(`  replied       ${sent.message_id}`);
	try {
		await client.messages.sendText({ recipient_id: messaging.recipient_id_closed, text: 'Still there?' });
	} catch (e) {
		console.log(`  refused       ${e.code}: ${e.message}`);
	}
} finally {
	await sb.stop();
}
