'use client';
import { Menu as MenuIcon, X } from 'lucide-react';
import { Button, Dialog, DialogTrigger, Modal, ModalOverlay } from 'react-aria-components';
import { SideNav, type NavGroup } from './side-nav';

/** On narrow screens the sidebar opens as a dialog from the left, closed by Escape, the button or a link. */
export function PhoneMenu({
  groups,
  labels,
}: {
  groups: NavGroup[];
  labels: { open: string; close: string; nav: string };
}) {
  return (
    <DialogTrigger>
      <Button
        aria-label={labels.open}
        className="rounded p-1.5 text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600 lg:hidden"
      >
        <MenuIcon aria-hidden size={22} />
      </Button>
      <ModalOverlay isDismissable className="fixed inset-0 z-40 bg-slate-900/40 lg:hidden">
        <Modal className="fixed inset-y-0 left-0 w-72 max-w-[85vw] overflow-y-auto bg-white shadow-xl">
          <Dialog aria-label={labels.nav} className="px-3 py-4 outline-none">
            {({ close }) => (
              <>
                <div className="mb-3 flex justify-end">
                  <Button
                    aria-label={labels.close}
                    onPress={close}
                    className="rounded p-1.5 text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-brand-600"
                  >
                    <X aria-hidden size={20} />
                  </Button>
                </div>
                <SideNav groups={groups} label={labels.nav} onNavigate={close} />
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}
