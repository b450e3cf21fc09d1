import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { amparexApiRequest } from '../transport/api';
import type { AmparexCredentials } from '../transport/request';
import { callOptions } from './common';

export const description: INodeProperties[] = [];

/** `GET /protected/whoami`: the WhoAmI object as AMPAREX answers it. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	credentials: AmparexCredentials,
): Promise<IDataObject> {
	const response = await amparexApiRequest.call(
		this,
		credentials,
		{ method: 'GET', path: '/protected/whoami' },
		callOptions.call(this, itemIndex),
	);
	return response as IDataObject;
}
