import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type COS from 'cos-nodejs-sdk-v5';
import { CLOUDBASE_COLLECTIONS, STORAGE_EXPIRY, STORAGE_RULE, indexName } from '../../cloudfunctions/_lib/store/cloudbase/collections';
import { plan, repositoryDeclarations, setUp, type CloudManager, type Declarations } from '../../tools/cloud-setup';

/**
 * `npm run cloud:setup` (tools/cloud-setup.ts) against a stand-in for CloudBase behind the same calls of the management
 * SDK: it creates what the declarations have and the environment lacks, changes what differs, and a second run
 * changes nothing. The dry run is the command itself, run as a person runs it.
 */
const ROOT = path.resolve(__dirname, '../..');

type Manager = CloudManager;
type IndexInfo = NonNullable<Awaited<ReturnType<Manager['database']['describeCollection']>>['Indexes']>[number];
type Permission = Awaited<ReturnType<Manager['permission']['describeResourcePermission']>>['Data']['PermissionList'][number];
type Api = Awaited<ReturnType<Manager['access']['getAccessList']>>['APISet'][number];
type StorageAcl = Awaited<ReturnType<Manager['storage']['getStorageAcl']>>;

/** An environment in memory, answering as the SDK's calls answer, and the writes made to it. */
function fakeEnvironment() {
  const collections = new Map<string, IndexInfo[]>();
  const permissions = new Map<string, Permission>();
  let storage: StorageAcl = { acl: 'PRIVATE' };
  const apis: Api[] = [];
  let lifecycle: COS.LifecycleRule[] = [];
  const writes: string[] = [];
  const RequestId = 'fake';
  const indexesOf = (name: string) => {
    const found = collections.get(name);
    if (!found) throw new Error(`collection ${name} does not exist`);
    return found;
  };
  const manager: Manager = {
    database: {
      checkCollectionExists: async (name) => ({ RequestId, Exists: collections.has(name) }),
      createCollection: async (name) => {
        writes.push(`createCollection ${name}`);
        collections.set(name, [{ Name: '_id_', Size: 0, Keys: [{ Name: '_id', Direction: '1' }], Accesses: { Ops: 0, Since: '' }, Unique: true }]);
        return { RequestId };
      },
      describeCollection: async (name) => ({ RequestId, Indexes: [...indexesOf(name)], IndexNum: indexesOf(name).length }),
      updateCollection: async (name, { CreateIndexes = [], DropIndexes = [] }) => {
        writes.push(`updateCollection ${name} ${DropIndexes.map((d) => `-${d.IndexName}`).join(' ')} ${CreateIndexes.map((c) => `+${c.IndexName}`).join(' ')}`.trim());
        const kept = indexesOf(name).filter((i) => !DropIndexes.some((d) => d.IndexName === i.Name));
        const added = CreateIndexes.map((c) => ({ Name: c.IndexName, Size: 0, Keys: c.MgoKeySchema.MgoIndexKeys, Accesses: { Ops: 0, Since: '' }, Unique: c.MgoKeySchema.MgoIsUnique }));
        collections.set(name, [...kept, ...added]);
        return { RequestId };
      },
    },
    permission: {
      describeResourcePermission: async ({ resources = [] }) => {
        const list = resources.flatMap((r) => permissions.get(r) ?? []);
        return { RequestId, Data: { TotalCount: list.length, PermissionList: list } };
      },
      modifyResourcePermission: async ({ resourceType, resource = '', permission, securityRule }) => {
        writes.push(`modifyResourcePermission ${resource} ${permission}`);
        permissions.set(resource, { ResourceType: resourceType, Resource: resource, Permission: permission, ...(securityRule ? { SecurityRule: securityRule } : {}) });
        return { RequestId, Data: { Success: true } };
      },
    },
    storage: {
      getStorageAcl: async () => storage,
      setStorageAcl: async (acl, rule) => {
        writes.push(`setStorageAcl ${acl}`);
        storage = { acl, ...(rule ? { rule } : {}) };
        return { RequestId };
      },
    },
    access: {
      getAccessList: async (options = {}) => {
        const found = apis.filter((a) => options.path === undefined || a.Path === options.path);
        return { RequestId, APISet: found, Total: found.length, Limit: 100, Offset: 0, EnableService: true };
      },
      createAccess: async ({ name, path: apiPath, type = 1 }) => {
        writes.push(`createAccess ${apiPath} ${name}`);
        apis.push({ ServiceId: 's', APIId: `api-${apis.length}`, Path: apiPath, Type: type, Name: name, CreateTime: 0, EnvId: 'test-env', EnableAuth: false });
        return { RequestId, APIId: `api-${apis.length}` };
      },
    },
    lifecycle: {
      rules: async () => lifecycle.map((rule) => ({ ...rule })),
      put: async (rules) => {
        writes.push(`putBucketLifecycle ${rules.map((r) => r.ID).join(' ')}`);
        lifecycle = rules;
      },
    },
  };
  return { manager, writes, collections, permissions, apis, storage: () => storage, lifecycle: () => lifecycle, setLifecycle: (rules: COS.LifecycleRule[]) => (lifecycle = rules) };
}

const declarations = repositoryDeclarations();
const quiet = () => undefined;

describe('npm run cloud:setup', () => {
  it('with --dry-run prints every declared collection, index and rule without calling CloudBase, and exits 0', () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('TENCENTCLOUD_')));
    const run = spawnSync('npm', ['run', '-s', 'cloud:setup', '--', '--env', 'gjj-test-1a2b', '--dry-run'], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toContain('gjj-test-1a2b');
    for (const [name, declaration] of Object.entries(CLOUDBASE_COLLECTIONS)) {
      expect(lines).toContain(`集合 ${name}`);
      for (const index of declaration.indexes) expect(lines.some((l) => l.startsWith(`  索引 ${indexName(index)}（`))).toBe(true);
    }
    expect(lines.filter((l) => l === '  安全规则：仅云函数可读写（客户端不可读写）')).toHaveLength(Object.keys(CLOUDBASE_COLLECTIONS).length);
    expect(lines).toContain(`云存储安全规则：读 false，写 ${JSON.stringify(STORAGE_RULE.write)}`);
    expect(lines).toContain('HTTP 访问服务：/callbacks -> 云函数 callbacks');
    for (const { prefix, days } of STORAGE_EXPIRY) expect(lines).toContain(`云存储生命周期：${prefix} 下的文件 ${days} 天后删除`);
  });

  it('without --env names what is missing and exits 2', () => {
    const run = spawnSync('npm', ['run', '-s', 'cloud:setup', '--', '--dry-run'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('缺少 --env');
  });
});

describe('the setup against an environment', () => {
  it('creates every collection, index, rule, HTTP access path and lifecycle rule of an empty environment, and a second run changes nothing', async () => {
    const cloud = fakeEnvironment();
    const first = await setUp(cloud.manager, declarations, quiet);
    expect(first.map((d) => d.outcome)).not.toContain('unchanged');
    expect([...cloud.collections.keys()].sort()).toEqual(Object.keys(CLOUDBASE_COLLECTIONS).sort());
    expect(cloud.collections.get('identities')?.find((i) => i.Name === 'docLookup_1')).toMatchObject({ Keys: [{ Name: 'docLookup', Direction: '1' }], Unique: true });
    expect(cloud.collections.get('linkChanges')?.map((i) => i.Name)).toEqual(['_id_', 'centerCode_1_proposedAt_-1', 'status_1_proposedAt_1']);
    expect(cloud.permissions.get('audit')).toMatchObject({ Permission: 'ADMINONLY' });
    expect(cloud.storage()).toEqual({ acl: 'CUSTOM', rule: STORAGE_RULE });
    expect(cloud.apis.map((a) => [a.Path, a.Name])).toEqual([['/callbacks', 'callbacks']]);
    expect(cloud.lifecycle().map((r) => [r.Filter?.Prefix, r.Expiration?.Days, r.Status])).toEqual([
      ['uploads/', 1, 'Enabled'],
      ['downloads/', 1, 'Enabled'],
      ['exports/', 1, 'Enabled'],
    ]);

    cloud.writes.length = 0;
    const second = await setUp(cloud.manager, declarations, quiet);
    expect(second).toHaveLength(plan(declarations).length);
    expect(second.filter((d) => d.outcome !== 'unchanged')).toEqual([]);
    expect(cloud.writes).toEqual([]);
  });

  it('changes only what differs (a rule, an index that should be unique, a lifecycle period), keeps a console index of the same fields and others’ lifecycle rules, names an index nobody declared', async () => {
    const small: Declarations = {
      collections: Object.fromEntries(Object.entries(CLOUDBASE_COLLECTIONS).filter(([name]) => name === 'identities' || name === 'links')),
      storageRule: STORAGE_RULE,
      storageExpiry: [{ prefix: 'uploads/', days: 1 }],
      httpAccess: [{ function: 'callbacks', path: '/callbacks' }],
    };
    const cloud = fakeEnvironment();
    await setUp(cloud.manager, small, quiet);
    const index = (Name: string, fields: string[], Unique: boolean): IndexInfo => ({ Name, Size: 0, Keys: fields.map((f) => ({ Name: f, Direction: '1' })), Accesses: { Ops: 0, Since: '' }, Unique });
    // made by hand in the console: docLookup not unique, links' index under another name, an index nobody declared
    cloud.collections.set('identities', [index('_id_', ['_id'], true), index('docLookup_1', ['docLookup'], false)]);
    cloud.collections.set('links', [index('_id_', ['_id'], true), index('by_center', ['centerCode', 'item'], false), index('kind_1', ['kind'], false)]);
    cloud.permissions.set('links', { ResourceType: 'collection', Resource: 'links', Permission: 'READONLY' });
    // uploads kept a week by hand, and a rule of someone else's (COS answers numbers as text)
    const theirs: COS.LifecycleRule = { ID: 'logs', Status: 'Enabled', Filter: { Prefix: 'logs/' }, Expiration: { Days: '30' } };
    cloud.setLifecycle([theirs, { ID: 'uploads-week', Status: 'Enabled', Filter: { Prefix: 'uploads/' }, Expiration: { Days: '7' } }]);
    cloud.writes.length = 0;

    const lines: string[] = [];
    const done = await setUp(cloud.manager, small, (line) => lines.push(line));
    expect(cloud.writes).toEqual(['modifyResourcePermission links ADMINONLY', 'updateCollection identities -docLookup_1 +docLookup_1', 'putBucketLifecycle logs uploads-week']);
    expect(done.filter((d) => d.outcome !== 'unchanged').map((d) => d.step.kind)).toEqual(['rule', 'index', 'storage-expiry']);
    expect(cloud.lifecycle()).toEqual([theirs, { ID: 'uploads-week', Status: 'Enabled', Filter: { Prefix: 'uploads/' }, Expiration: { Days: 1 } }]);
    expect(cloud.collections.get('identities')?.find((i) => i.Name === 'docLookup_1')?.Unique).toBe(true);
    expect(cloud.collections.get('links')?.map((i) => i.Name)).toEqual(['_id_', 'by_center', 'kind_1']);
    expect(lines).toContain('  未声明的索引 kind_1：保留未动（不再需要时请在控制台删除）');
  });

  it('leaves an HTTP access path another function answers to a person, saying so', async () => {
    const cloud = fakeEnvironment();
    await cloud.manager.access.createAccess({ name: 'relay', path: '/callbacks', type: 1 });
    cloud.writes.length = 0;
    const lines: string[] = [];
    await setUp(cloud.manager, { collections: {}, storageRule: STORAGE_RULE, storageExpiry: [], httpAccess: [{ function: 'callbacks', path: '/callbacks' }] }, (line) => lines.push(line));
    expect(cloud.writes).toEqual(['setStorageAcl CUSTOM']);
    expect(lines).toContain('  /callbacks 已关联云函数 relay，未改动：请在控制台改为 callbacks');
  });
});
