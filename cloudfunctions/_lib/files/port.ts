/**
 * Where result documents and the employee's uploads live: CloudBase cloud storage when deployed, a folder under the data directory on
 * the local host. Keys are chosen by the caller; `put` answers the key to read the file back with.
 */
export interface FileStore {
  put(key: string, bytes: Buffer, contentType: string): Promise<string>;
  get(storedKey: string): Promise<Buffer>;
  /** Removes a file; one already gone is not an error. */
  remove(storedKey: string): Promise<void>;
}
