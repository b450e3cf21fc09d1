import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { amparexApiRequest } from '../transport/api';
import type { AmparexCredentials } from '../transport/request';
import { forgetSession } from '../transport/session';
import { callOptions } from './common';

export const description: INodeProperties[] = [];

/**
 * `POST /protected/logout`: AMPAREX invalidates the token. Logging out the credential's own
 * session is fine: n8n still holds the old token, gets 401 on the next call and logs in again.
 */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	credentials: AmparexCredentials,
): Promise<IDataObject> {
	const options = callOptions.call(this, itemIndex);
	await amparexApiRequest.call(
		this,
		credentials,
		{ method: 'POST', path: '/protected/logout' },
		{ ...options, allowEmpty: true },
	);
	const ownSession = (options.token ?? '').trim() === '';
	if (ownSession) forgetSession(credentials);
	return { loggedOut: true, session: ownSession ? 'credential' : 'token' };
}
