import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { amparexApiRequest } from '../transport/api';
import { operationError } from '../transport/errors';
import type { AmparexCredentials } from '../transport/request';
import { BRANCH_LOGIN_PATH, branchLoginQuery } from '../transport/session';
import { callOptions, tokenOutput } from './common';

const show = { show: { operation: ['switchBranch'] } };

export const description: INodeProperties[] = [
	{
		displayName: 'Branch',
		name: 'branchId',
		type: 'resourceLocator',
		required: true,
		default: { mode: 'list', value: '' },
		description: 'The AMPAREX branch (shop) to switch to',
		displayOptions: show,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchBranches', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. 8a2b0c1d4e5f60718293a4b5c6d7e8f9',
			},
		],
	},
	{
		displayName: 'AMPAREX User',
		name: 'loginAs',
		type: 'options',
		default: 'credentialUser',
		displayOptions: show,
		options: [
			{
				name: 'User of the Credential',
				value: 'credentialUser',
				description: 'Log in to the branch with the username and password of the credential',
			},
			{
				name: 'Another User',
				value: 'otherUser',
				description: 'Log in to the branch as another AMPAREX user',
			},
		],
	},
	{
		displayName: 'Username',
		name: 'username',
		type: 'string',
		required: true,
		default: '',
		displayOptions: { show: { operation: ['switchBranch'], loginAs: ['otherUser'] } },
	},
	{
		displayName: 'Password',
		name: 'password',
		type: 'string',
		typeOptions: { password: true },
		required: true,
		default: '',
		description:
			'Kept in the workflow like every node field. For a password that must stay secret, create an AMPAREX API credential for that user and switch with "User of the Credential" instead.',
		displayOptions: { show: { operation: ['switchBranch'], loginAs: ['otherUser'] } },
	},
];

/** `POST /protected/axlogin`: a new session token bound to that user and branch. */
export async function execute(
	this: IExecuteFunctions,
	itemIndex: number,
	credentials: AmparexCredentials,
): Promise<IDataObject> {
	const branchId = String(
		this.getNodeParameter('branchId', itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	if (branchId === '') {
		throw operationError(this.getNode(), 'No branch chosen', {
			description: 'Pick a branch from the list, or enter a Branch ID.',
			itemIndex,
		});
	}
	const otherUser = this.getNodeParameter('loginAs', itemIndex, 'credentialUser') === 'otherUser';
	const username = otherUser
		? String(this.getNodeParameter('username', itemIndex, '')).trim()
		: credentials.username;
	const password = otherUser ? String(this.getNodeParameter('password', itemIndex, '')) : credentials.password;
	if (otherUser && (username === '' || password === '')) {
		throw operationError(this.getNode(), 'Username or password of the other AMPAREX user is empty', {
			description: 'Enter both, or choose "User of the Credential" under AMPAREX User.',
			itemIndex,
		});
	}
	const options = callOptions.call(this, itemIndex);
	const response = await amparexApiRequest.call(
		this,
		credentials,
		{ method: 'POST', path: BRANCH_LOGIN_PATH, qs: branchLoginQuery({ username, password, branchId }) },
		{ ...options, secrets: [password], sentLogin: 'branchLogin' },
	);
	return { ...tokenOutput(response), branchId };
}
