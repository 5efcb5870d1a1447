/**
 * Where result documents and the employee's uploads live: CloudBase cloud storage when deployed, a folder under the data directory on
 * the local host. Keys are chosen by the caller; `put` answers the key to read the file back with.
 */
export interface FileStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<string>;
  get(storedKey: string): Promise<Buffer>;
  /** Removes a file; one already gone is not an error. */
  remove(storedKey: string): Promise<void>;
  /**
   * A short-lived address to fetch a stored file at (a supervisor's export) until `grant.expiresAt`: CloudBase's
   * temporary URL when deployed; on the local host a path under its own origin that serves the file only to
   * `grant.openid`, under `grant.name`.
   */
  link(storedKey: string, grant: DownloadGrant): Promise<string>;
  /**
   * The files directly in a folder (`uploads/`), each with the time it was written, to sweep what was never taken.
   * Absent where the storage cannot be listed: the CloudBase node SDK has no listing, so there a lifecycle rule on
   * `uploads/` removes old uploads (README, "Building for WeChat and deploying").
   */
  list?(folder: string): Promise<ListedFile[]>;
}

/** A file found by `list`: the key to read or remove it with, and when it was written. */
export interface ListedFile {
  storedKey: string;
  writtenAt: Date;
}

/** Who may fetch a file by its link, until when, and the name and type it is served with. */
export interface DownloadGrant {
  openid: string;
  name: string;
  contentType: string;
  expiresAt: Date;
}
