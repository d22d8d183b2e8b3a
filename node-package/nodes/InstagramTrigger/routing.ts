/**
 * Which parsed events the trigger passes on, and which webhook fields it subscribes, for the
 * events the user selected. Routing is by the real kind of each item (`field` and
 * `event_type` of the core's parser), never by the envelope it came in: selecting reactions
 * gets reactions, and a reaction is never labelled a message.
 */
import type { WebhookEvent } from '../../src/webhooks';
import { TRIGGER_EVENTS, type TriggerEvent } from './generated/events';

/** The selected events, in catalogue order; unknown values (from a newer or older node) are dropped. */
export function selectedEvents(values: unknown): TriggerEvent[] {
	const chosen = new Set(Array.isArray(values) ? values.filter((v): v is string => typeof v === 'string') : []);
	return TRIGGER_EVENTS.filter((e) => chosen.has(e.value));
}

/** The webhook fields to subscribe for the selected events (each once, catalogue order). */
export function subscribedFields(events: TriggerEvent[]): string[] {
	return [...new Set(events.map((e) => e.field))];
}

/** The selected events the login does not deliver (Instagram Login has no mentions or story insights). */
export function undeliverable(events: TriggerEvent[], login: 'facebook' | 'instagram'): TriggerEvent[] {
	return events.filter((e) => !e.logins.includes(login));
}

/**
 * An echo: something the account itself sent (an echo of its own message, or its own edit or
 * deletion), told by `is_echo` or by the account being the sender.
 */
export function isEcho(event: WebhookEvent): boolean {
	if (event.event_type === 'message_echo') return true;
	const e = event as { is_echo?: unknown; sender_id?: unknown };
	if (e.is_echo === true) return true;
	return typeof e.sender_id === 'string' && e.sender_id !== '' && e.sender_id === event.account_id;
}

/** "Message Echoes": the option that passes echo messages only. */
function isEchoOption(e: TriggerEvent): boolean {
	return e.eventTypes.length === 1 && e.eventTypes[0] === 'message_echo';
}

/**
 * The events to pass on. An event passes when a selected event of its field lists its
 * `event_type`; an item the parser did not recognise (`unknown`) goes with its field, so a kind
 * Meta adds later still reaches workflows that listen to that field. Echoes: "Message Echoes"
 * selected passes echo messages always; otherwise "Ignore Echoes" (on) drops every echo, and
 * off lets echoes through with their field's event (Messages then includes the echoes).
 */
export function route(events: WebhookEvent[], selected: TriggerEvent[], ignoreEchoes: boolean): WebhookEvent[] {
	return events.filter((event) => {
		const ofField = selected.filter((s) => s.field === event.field);
		if (event.event_type === 'message_echo' && ofField.some(isEchoOption)) return true;
		if (isEcho(event) && ignoreEchoes) return false;
		return ofField.some(
			(s) => s.eventTypes.includes(event.event_type) || event.event_type === 'unknown' || (event.event_type === 'message_echo' && !ignoreEchoes),
		);
	});
}
