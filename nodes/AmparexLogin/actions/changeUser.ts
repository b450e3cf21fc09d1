import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { amparexApiRequest } from '../transport/api';
import { operationError } from '../transport/errors';
import type { AmparexCredentials } from '../transport/request';
import { callOptions, tokenOutput } from './common';

export const description: INodeProperties[] = [
	{
		displayName: 'Pincode',
		name: 'pincode',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description: 'The AMPAREX pincode of the user to change to (Who Am I shows its length as pinCodeLength)',
		displayOptions: { show: { operation: ['changeUser'] } },
	},
];

/** `POST /protected/changeUser?pincode=`: a new session token for the user of that pincode. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	credentials: AmparexCredentials,
): Promise<IDataObject> {
	const pincode = String(this.getNodeParameter('pincode', itemIndex, '')).trim();
	if (pincode === '') {
		throw operationError(this.getNode(), 'Pincode is empty', {
			description: 'Enter the AMPAREX pincode of the user to change to.',
			itemIndex,
		});
	}
	const options = callOptions.call(this, itemIndex);
	const response = await amparexApiRequest.call(
		this,
		credentials,
		{ method: 'POST', path: '/protected/changeUser', qs: { pincode } },
		{ ...options, secrets: [pincode], sentLogin: 'pincode' },
	);
	return tokenOutput(response);
}
