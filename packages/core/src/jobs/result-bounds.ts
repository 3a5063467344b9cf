/** Most links one result keeps (api.md § Jobs); the rest of the page's links are dropped and the item marked truncated. */
export const MAX_RESULT_LINKS = 5_000;

/** A link longer than the longest URL the API accepts could never be submitted; it is dropped like an excess one. */
export const MAX_RESULT_LINK_LENGTH = 8_192;
