/** Display form: NFKC (full-width letters become ASCII) and trimmed. */
export const normalizeLoginId = (loginId: string) => loginId.normalize('NFKC').trim();

/** Uniqueness and lookup key: the display form, case-folded. */
export const loginIdKey = (loginId: string) => normalizeLoginId(loginId).toLowerCase();
