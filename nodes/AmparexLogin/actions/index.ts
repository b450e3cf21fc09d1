import type { INodeProperties } from 'n8n-workflow';

import * as changeUser from './changeUser';
import type { AmparexOperation } from './common';
import * as logout from './logout';
import * as switchBranch from './switchBranch';
import * as whoAmI from './whoAmI';

/** Operation values are stored in users' workflows: never rename them. */
export const operations: Record<string, AmparexOperation> = {
	whoAmI,
	changeUser,
	switchBranch,
	logout,
};

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	default: 'whoAmI',
	options: [
		{
			name: 'Change User',
			value: 'changeUser',
			action: 'Change the user with a pincode',
			description: 'Get a session token of another AMPAREX user by pincode',
		},
		{
			name: 'Logout',
			value: 'logout',
			action: 'Log out a session',
			description: 'End the session of the credential or of a given token',
		},
		{
			name: 'Switch Branch',
			value: 'switchBranch',
			action: 'Switch to another branch',
			description: 'Get a session token bound to another branch (shop)',
		},
		{
			name: 'Who Am I',
			value: 'whoAmI',
			action: 'Get the current user and session',
			description: 'Get the user, staff, branch and call quota of the session',
		},
	],
};
