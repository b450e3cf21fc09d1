import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
} from 'n8n-workflow';

import type { ErrorContext } from './errors';
import { toAmparexError } from './errors';
import type { AmparexCredentials, AmparexRequest } from './request';
import { buildRequest, CREDENTIAL_TYPE, jsonBody } from './request';

type AmparexContext = IExecuteFunctions | ILoadOptionsFunctions;

export interface CallOptions {
	/** A token from an earlier Change User or Switch Branch step; empty: the credential's session. */
	token?: string;
	timeout?: number;
	/** AMPAREX answers some calls (logout) with 200 and no body. */
	allowEmpty?: boolean;
	/** Further values to keep out of error messages (a pincode, another user's password). */
	secrets?: string[];
	sentLogin?: ErrorContext['sentLogin'];
}

/** A call on a given token goes around n8n's credential handling: a 401 must not log in again. */
async function sendWithToken(
	context: AmparexContext,
	request: IHttpRequestOptions,
	token: string,
): Promise<unknown> {
	return await context.helpers.httpRequest({
		...request,
		headers: { ...request.headers, Authorization: `Bearer ${token}` },
	});
}

/**
 * One AMPAREX call for the node. On the credential's session it goes through n8n's
 * `httpRequestWithAuthentication`: n8n logs in when no token is stored, and once more on a 401.
 */
export async function amparexApiRequest(
	this: AmparexContext,
	credentials: AmparexCredentials,
	request: AmparexRequest,
	options: CallOptions = {},
): Promise<IDataObject | IDataObject[] | undefined> {
	const token = (options.token ?? '').trim();
	const http = buildRequest(credentials, { ...request, timeout: options.timeout ?? request.timeout });
	const context: ErrorContext = {
		phase: 'call',
		explicitToken: token !== '',
		sentLogin: options.sentLogin,
		timeoutMs: http.timeout,
		secrets: [credentials.password, credentials.sessionToken, token, ...(options.secrets ?? [])],
	};
	const sending =
		token !== ''
			? sendWithToken(this, http, token)
			: this.helpers.httpRequestWithAuthentication.call(this, CREDENTIAL_TYPE, http);
	const response = await sending.catch((error: unknown) => {
		throw toAmparexError(error, context);
	});
	return jsonBody(response, options.allowEmpty);
}
