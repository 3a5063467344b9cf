/** Schemas of the live view, preview tokens and agent screenshots (api.md "Agents"). */
export {};
