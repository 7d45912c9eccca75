'use server';
import { withAction } from '@/lib/auth/with-action';
import { recordIdSchema } from '@/lib/ec/list-members';
import { revealMember } from '@/lib/ec/reveal-member';
import { z } from '@/lib/http/zod-messages';
import { uuidSchema } from '@/lib/http/input-schemas';

/** Nothing changes but the audit trail, so the list is not re-rendered (which would count as a view). */
export const revealMemberAction = withAction(
  'app/t/[tenantId]/sites/[siteId]/members/actions.ts revealMemberAction',
  z.object({ tenantId: uuidSchema, memberId: recordIdSchema }),
  async (ctx, { memberId }) => {
    const m = await revealMember(ctx, memberId);
    return {
      ok: true,
      data: {
        memberNo: m.memberNo,
        name: m.name,
        nameKana: m.nameKana,
        email: m.email,
        phone: m.phone,
        postalCode: m.postalCode,
        address: m.address,
        registeredAt: m.registeredAt,
      },
    };
  },
);
