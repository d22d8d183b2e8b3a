import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import { InstagramClient } from '../../src/client';
import { InstagramError } from '../../src/errors';
import { OPERATION_META, properties } from './generated/properties';
import { collectParams } from './params';

function clientFrom(creds: ICredentialDataDecryptedObject): InstagramClient {
	const text = (key: string): string | undefined => {
		const v = creds[key];
		return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
	};
	return new InstagramClient({
		accessToken: text('accessToken') ?? '',
		login: text('login') === 'facebook' ? 'facebook' : 'instagram',
		apiVersion: text('apiVersion'),
		appSecret: text('appSecret'),
		baseUrl: text('baseUrl'),
	});
}

/** Graph answered (or the network failed): NodeApiError; a local refusal: NodeOperationError. */
function toNodeError(node: INode, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof InstagramError) {
		const description = error.errorUserMsg ?? `${error.code}${error.fbtraceId ? ` (fbtrace_id ${error.fbtraceId})` : ''}`;
		if (error.httpStatus !== null || error.kind === 'transport') {
			return new NodeApiError(node, error.toJSON() as unknown as JsonObject, {
				message: error.message,
				description,
				httpCode: error.httpStatus !== null ? String(error.httpStatus) : undefined,
				itemIndex,
			});
		}
		return new NodeOperationError(node, error.message, { description, itemIndex });
	}
	return new NodeOperationError(node, error instanceof Error ? error : String(error), { itemIndex });
}

/**
 * The JSON of an error item under continueOnFail: `error` (the message) and `details` (the
 * core's fields: kind, Graph code, subcode, fbtrace_id, ...). Only these two keys, and no
 * `item.error`: n8n replaces the JSON of items carrying `error` with `{error: message}`, and
 * routes items whose JSON holds only error/message/details to the error output.
 */
function errorJson(error: unknown, nodeError: Error): IDataObject {
	if (error instanceof InstagramError) {
		const details: IDataObject = { ...(error.toJSON() as unknown as IDataObject) };
		delete details.message;
		delete details.name;
		return { error: error.message, details };
	}
	return { error: nodeError.message };
}

export class Instagram implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Instagram',
		name: 'instagram',
		icon: { light: 'file:../../icons/instagram.svg', dark: 'file:../../icons/instagram.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read an Instagram professional account through the Graph API (Rust core)',
		defaults: {
			name: 'Instagram',
		},
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			{
				name: 'instagramGraphApi',
				required: true,
				testedBy: 'instagramGraphApiTest',
			},
		],
		properties,
	};

	methods = {
		credentialTest: {
			/**
			 * n8n's "Test" button, through the core: unlike the credential's declarative request
			 * it signs with appsecret_proof and follows the login flavour. Instagram Login reads
			 * the account (`user.get`); Facebook Login lists the Pages (`pages.list`), since
			 * `/me` is then the Facebook user, not an Instagram account.
			 */
			async instagramGraphApiTest(
				this: ICredentialTestFunctions,
				credential: ICredentialsDecrypted,
			): Promise<INodeCredentialTestResult> {
				try {
					const client = clientFrom(credential.data ?? {});
					if (client.login === 'facebook') {
						let linked = 0;
						for await (const page of client.paginate('pages.list', {}, { maxItems: 100 })) {
							if (page.instagram_business_account) linked++;
						}
						return { status: 'OK', message: `Connection successful (${linked} linked Instagram account(s))` };
					}
					const me = await client.call('user.get', { fields: 'id,username' });
					return { status: 'OK', message: `Connection successful (@${String(me.username ?? me.id)})` };
				} catch (error) {
					return { status: 'Error', message: error instanceof Error ? error.message : String(error) };
				}
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData();
		const out: INodeExecutionData[] = [];
		let client: InstagramClient | undefined;

		for (let i = 0; i < items.length; i++) {
			try {
				client ??= clientFrom(await this.getCredentials('instagramGraphApi'));
				const resource = this.getNodeParameter('resource', i) as string;
				const operation = this.getNodeParameter('operation', i) as string;
				const opId = `${resource}.${operation}`;
				const meta = OPERATION_META[opId];
				if (!meta) {
					throw new NodeOperationError(this.getNode(), `Unknown operation "${opId}"`, { itemIndex: i });
				}
				const params = collectParams(this, i, meta);
				if (meta.paginated) {
					const returnAll = this.getNodeParameter('returnAll', i, false) as boolean;
					const maxItems = returnAll ? undefined : (this.getNodeParameter('limit', i, 50) as number);
					if (maxItems !== undefined && !(Number.isSafeInteger(maxItems) && maxItems >= 1)) {
						throw new NodeOperationError(this.getNode(), `Limit must be a whole number of at least 1, got ${String(maxItems)}`, {
							itemIndex: i,
						});
					}
					for await (const item of client.paginate(opId, params, { maxItems })) {
						out.push({ json: item as IDataObject, pairedItem: { item: i } });
					}
				} else {
					const result = await client.call(opId, params);
					out.push({ json: result as IDataObject, pairedItem: { item: i } });
				}
			} catch (error) {
				const nodeError = toNodeError(this.getNode(), error, i);
				if (this.continueOnFail()) {
					out.push({ json: errorJson(error, nodeError), pairedItem: { item: i } });
					continue;
				}
				throw nodeError;
			}
		}
		return [out];
	}
}
