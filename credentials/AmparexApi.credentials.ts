import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

import { credentialTestRules } from '../nodes/AmparexLogin/transport/errors';
import type { AmparexCredentials } from '../nodes/AmparexLogin/transport/request';
import { obtainSessionToken } from '../nodes/AmparexLogin/transport/session';

/**
 * AMPAREX logs in with a header login and answers a session token. n8n keeps that token in the
 * hidden, expirable `sessionToken` field of the stored credential, so every execution, workflow
 * and worker shares one session; n8n calls `preAuthentication` again only when the field is
 * empty or AMPAREX answered 401.
 */
export class AmparexApi implements ICredentialType {
	name = 'amparexApi';

	displayName = 'AMPAREX API';

	icon: Icon = { light: 'file:../icons/amparex.svg', dark: 'file:../icons/amparex.dark.svg' };

	documentationUrl = 'https://github.com/n8n-nodes-amparex/n8n-nodes-amparex#credential';

	properties: INodeProperties[] = [
		{
			displayName: 'Session Token',
			name: 'sessionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'https://trial.amparex.net:8078/amparex/webaxapi',
			description: 'Address of the AMPAREX API of your installation, ending in /amparex/webaxapi',
		},
		{
			displayName: 'Alias',
			name: 'alias',
			type: 'string',
			required: true,
			default: '',
			placeholder: 'pa-a-ffh6ioqxzje-ceabuy_dtzdvp_h0hwjitjvyls=',
			description:
				"The alias of your AMPAREX service account, from AMPAREX's branch office administration (service access data)",
		},
		{
			displayName: 'Username',
			name: 'username',
			type: 'string',
			required: true,
			default: '',
			description: 'AMPAREX user of the service account',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Sent to AMPAREX only in a request header, never in the URL',
		},
		{
			displayName: 'Branch ID',
			name: 'branchId',
			type: 'string',
			default: '',
			description:
				'Optional. When set, the session is switched to this branch right after login, so every call made with this credential runs in that branch. Empty: the default branch of the user.',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description:
				'Whether to connect even if the certificate of the server cannot be verified, e.g. an on-premise AMPAREX with a self-signed certificate',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const token = await obtainSessionToken.call(this, credentials as unknown as AmparexCredentials);
		return { sessionToken: token.value };
	}

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: { Authorization: '=Bearer {{$credentials.sessionToken}}' },
		},
	};

	/**
	 * n8n logs in through `preAuthentication` (with its messages) and stores the session, then
	 * sends this Who Am I call; the rules word its failures as a workflow's.
	 */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.trim().replace(/\\/+$/, "")}}',
			url: '=/alias/{{encodeURIComponent($credentials.alias.trim())}}/protected/whoami',
			skipSslCertificateValidation: '={{$credentials.ignoreSslIssues}}',
		},
		rules: credentialTestRules(),
	};
}
