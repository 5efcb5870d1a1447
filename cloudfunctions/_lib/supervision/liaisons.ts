import * as z from 'zod';
import { maskName, maskPhone } from '../../../src/core/identity';
import { provinceName, type LiaisonFields, type LiaisonRow, type LiaisonsAnswer } from '../../../src/core/supervision';
import { open, seal, sealedAs } from '../crypto/personal-data';
import type { Caller, ServiceContext } from '../runtime/define';
import type { LiaisonRecord } from '../store/port';
import { provinceSubject, provincesShown, requireProvince } from './scope';

/**
 * Provincial liaisons (plan 2021-50, annex 1): one per province, kept by the province (or a national supervisor
 * for it) and replaced when the person changes. The name and mobile are personal data: sealed at rest, bound to
 * the province, shown in full only to the supervisors of that province, masked in the audit log.
 */

const ContactSchema = z.object({ name: z.string(), mobile: z.string() });

export async function liaisons(ctx: ServiceContext, caller: Caller, province: string | undefined): Promise<LiaisonsAnswer> {
  const provinces = provincesShown(caller, province);
  const byProvince = new Map((await ctx.store.supervision.liaisons()).map((l) => [l.province, l]));
  return { rows: provinces.map((code) => liaisonRow(ctx, code, byProvince.get(code))) };
}

export async function setLiaison(ctx: ServiceContext, caller: Caller, province: string, fields: LiaisonFields): Promise<LiaisonRow> {
  requireProvince(caller, province);
  const contactSealed = seal(ctx.outside.keyring(), sealedAs.liaisonContact(province), JSON.stringify({ name: fields.name, mobile: fields.mobile }));
  const record: LiaisonRecord = { province, contactSealed, position: fields.position, landline: fields.landline, updatedBy: caller.openid, updatedAt: ctx.now };
  const before = await ctx.store.supervision.putLiaison(record);
  const was = before ? `（原联络员 ${maskName(contactOf(ctx, before).name)}）` : '';
  await ctx.store.audit.append({
    at: ctx.now,
    actor: caller.openid,
    action: 'liaison.set',
    subject: provinceSubject(province),
    detail: `联络员 ${maskName(fields.name)}，${fields.position}，座机 ${fields.landline}，手机 ${maskPhone(fields.mobile)}${was}`,
  });
  return liaisonRow(ctx, province, record);
}

function contactOf(ctx: ServiceContext, record: LiaisonRecord): { name: string; mobile: string } {
  return ContactSchema.parse(JSON.parse(open(ctx.outside.keyring(), sealedAs.liaisonContact(record.province), record.contactSealed)));
}

function liaisonRow(ctx: ServiceContext, province: string, record: LiaisonRecord | undefined): LiaisonRow {
  if (!record) return { province, provinceName: provinceName(province), liaison: null };
  const contact = contactOf(ctx, record);
  return {
    province,
    provinceName: provinceName(province),
    liaison: { name: contact.name, position: record.position, landline: record.landline, mobile: contact.mobile, updatedAt: record.updatedAt.toISOString() },
  };
}
