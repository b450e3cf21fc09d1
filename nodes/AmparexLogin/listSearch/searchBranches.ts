import type {
	IDataObject,
	ILoadOptionsFunctions,
	INodeListSearchResult,
} from 'n8n-workflow';

import { amparexApiRequest } from '../transport/api';
import type { AmparexCredentials } from '../transport/request';
import { CREDENTIAL_TYPE } from '../transport/request';
import { toNodeApiError } from '../transport/errors';

const PAGE_SIZE = 50;

/** Branch list of Switch Branch: `POST /protected/branches/search`, filtered by name (`*` wildcard). */
export async function searchBranches(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const credentials = await this.getCredentials<AmparexCredentials>(CREDENTIAL_TYPE);
	const body: IDataObject = { metaData: { limit: PAGE_SIZE, page: paginationToken ? Number(paginationToken) : 1 } };
	const name = (filter ?? '').trim();
	if (name !== '') body.name = name.includes('*') ? name : `*${name}*`;

	const response = (await amparexApiRequest
		.call(this, credentials, { method: 'POST', path: '/protected/branches/search', body })
		.catch((error) => {
			throw toNodeApiError(this.getNode(), error);
		})) as IDataObject;

	const branches = Array.isArray(response.result) ? (response.result as IDataObject[]) : [];
	const meta = (response.resultMetaData ?? {}) as IDataObject;
	const hasMore =
		typeof meta.nextPage === 'number' &&
		typeof meta.currentPage === 'number' &&
		meta.nextPage > meta.currentPage;
	return {
		results: branches.map((branch) => ({
			name: String(branch.name ?? branch.id),
			value: String(branch.id),
		})),
		paginationToken: hasMore ? String(meta.nextPage) : undefined,
	};
}
