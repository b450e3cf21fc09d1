import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { operationProperty, operations } from './actions';
import { optionsCollection } from './actions/common';
import { searchBranches } from './listSearch/searchBranches';
import { isAmparexError, operationError, toNodeApiError } from './transport/errors';
import type { AmparexCredentials } from './transport/request';
import { CREDENTIAL_TYPE } from './transport/request';

export class AmparexLogin implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'AMPAREX Login',
		name: 'amparexLogin',
		icon: { light: 'file:../../icons/amparex.svg', dark: 'file:../../icons/amparex.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle:
			'={{ {"whoAmI": "Who Am I", "changeUser": "Change User", "switchBranch": "Switch Branch", "logout": "Logout"}[$parameter["operation"]] }}',
		description: 'Check, change and end AMPAREX sessions: who am I, change user, switch branch, logout',
		defaults: { name: 'AMPAREX Login' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		// Change User and Switch Branch output session tokens: n8n redacts them in stored executions.
		sensitiveOutputFields: ['token'],
		properties: [
			operationProperty,
			...Object.values(operations).flatMap((operation) => operation.description),
			optionsCollection,
		],
	};

	methods = { listSearch: { searchBranches } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const operation = this.getNodeParameter('operation', 0) as string;
		const run = Object.prototype.hasOwnProperty.call(operations, operation)
			? operations[operation].execute
			: undefined;
		if (!run) {
			throw operationError(
				this.getNode(),
				`The operation "${operation}" is not supported by the AMPAREX Login node`,
				{
					description:
						'Choose Who Am I, Change User, Switch Branch or Logout. To call any other AMPAREX endpoint, use the HTTP Request node with Authentication "Predefined Credential Type" and the AMPAREX API credential.',
				},
			);
		}

		// Read once: base URL and alias do not change within an execution; the session token is
		// read fresh by n8n for every request.
		const credentials = await this.getCredentials<AmparexCredentials>(CREDENTIAL_TYPE);
		const items = this.getInputData();
		const results: INodeExecutionData[] = [];
		// One item after another: with no stored token the first item logs in, the rest reuse it.
		for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
			try {
				const json = await run.call(this, itemIndex, credentials);
				results.push({ json, pairedItem: { item: itemIndex } });
			} catch (error) {
				const failure =
					error instanceof NodeApiError || error instanceof NodeOperationError
						? error
						: isAmparexError(error)
							? toNodeApiError(this.getNode(), error, itemIndex)
							: operationError(this.getNode(), error as Error, { itemIndex });
				if (this.continueOnFail()) {
					results.push({
						json: { error: failure.message, description: failure.description ?? null },
						pairedItem: { item: itemIndex },
					});
					continue;
				}
				throw failure;
			}
		}
		return [results];
	}
}
