import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import type { CallOptions } from '../transport/api';
import type { SecurityToken } from '../transport/session';
import { parseSecurityToken } from '../transport/session';
import type { AmparexCredentials } from '../transport/request';
import { DEFAULT_TIMEOUT_MS } from '../transport/request';

/** What every operation module exports: its fields and what it does for one item. */
export interface AmparexOperation {
	description: INodeProperties[];
	execute(
		this: IExecuteFunctions,
		itemIndex: number,
		credentials: AmparexCredentials,
	): Promise<IDataObject>;
}

/** Options shared by all operations. */
export const optionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Timeout',
			name: 'timeout',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: DEFAULT_TIMEOUT_MS,
			description: 'Time in milliseconds to wait for AMPAREX to answer before the call fails',
		},
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Session token from the "token" field of an earlier Change User or Switch Branch step. Empty: the session of the credential.',
		},
	],
};

export function callOptions(this: IExecuteFunctions, itemIndex: number): CallOptions {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		token: typeof options.token === 'string' ? options.token : undefined,
		timeout: typeof options.timeout === 'number' ? options.timeout : undefined,
	};
}

/** Output of Change User and Switch Branch: `token` is declared sensitive in the node. */
export function tokenOutput(response: unknown): IDataObject {
	const token: SecurityToken = parseSecurityToken(response);
	return { token: token.value, expiryTime: token.expiryTime ?? null };
}
