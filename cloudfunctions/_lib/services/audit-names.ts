/** How the audit log names what it is about, shared by the services that write it (no service imports another for a name). */

/** The audit subject of everything done about a center. */
export const centerSubject = (centerCode: string) => `center:${centerCode}`;

/** An invite code as the audit log keeps it: enough to tell two apart, not enough to use one. */
export const maskedInvite = (code: string) => `${code.slice(0, 2)}${'*'.repeat(code.length - 2)}`;
