import type { ComponentChildren } from 'preact';
import type { Container, TargetId } from '../../engine/appliance/plan-types';

/** How to bring the output into the target hypervisor, step by step (the vendors' documented import paths). */
export function importSteps(target: TargetId, container: Container, file: string, helper: string | null): ComponentChildren[] {
  const name = <code>{file}</code>;
  if (container === 'disk') {
    return [
      <>Copy {name} to the host or datastore.</>,
      <>Create a virtual machine with the same CPUs, memory and firmware as the original, and attach {name} as its boot disk.</>,
    ];
  }
  switch (target) {
    case 'vmware':
      return container === 'ova'
        ? [
            <>vSphere Client: right-click a host or cluster, <em>Deploy OVF Template…</em>, choose {name}.</>,
            <>Or with ovftool: <code>ovftool {file} vi://user@vcenter/Datacenter/host/cluster</code>.</>,
            <>Workstation or Fusion: <em>File → Open…</em> and choose {name}.</>,
          ]
        : [<>vSphere Client: <em>Deploy OVF Template…</em>, and select every file of the folder {name} (descriptor, disks, manifest).</>];
    case 'virtualbox':
      return [<>VirtualBox: <em>File → Import Appliance…</em> and choose {name}.</>, <>Or: <code>VBoxManage import {container === 'ova' ? file : `${file}/${file}.ovf`}</code>.</>];
    case 'hyperv':
      return [
        <>Copy the folder {name} to the Hyper-V host.</>,
        <>In an elevated PowerShell in that folder: <code>.\{helper ?? 'import-hyperv.ps1'}</code> (it creates the VM and attaches the disks).</>,
      ];
    case 'xenserver':
    case 'xenserver-pv':
      if (container === 'xva') {
        return [
          <>Copy {name} to the pool master.</>,
          <>Run <code>xe vm-import filename={file}</code> (add <code>sr-uuid=…</code> for another storage repository), or in XCP-ng Center / XenCenter: <em>File → Import…</em>.</>,
          <>Start the VM.</>,
        ];
      }
      return container === 'ovf'
        ? [
            <>Copy the folder {name} to the pool master.</>,
            <>Run <code>sh {helper ?? 'import-xenserver.sh'}</code> in it (optionally with an SR UUID): it creates the VM{target === 'xenserver-pv' ? ', imports the disks and switches it to PV boot' : ' and imports the disks'}.</>,
          ]
        : [<>XenCenter / XCP-ng Center: <em>File → Import…</em> and choose {name}.</>];
    case 'kvm':
      return container === 'ovf'
        ? [
            <>Copy the disk files of {name} to the host's image pool, e.g. <code>/var/lib/libvirt/images/</code>.</>,
            <>Check the disk paths in <code>{helper ?? 'domain.xml'}</code>, then <code>virsh define {helper ?? 'domain.xml'}</code> and <code>virsh start</code> the VM.</>,
            <>Proxmox: <code>qm importovf &lt;vmid&gt; {file}.ovf &lt;storage&gt;</code> in the folder.</>,
          ]
        : [<>Proxmox: unpack {name} (<code>tar xf {file}</code>) and run <code>qm importovf &lt;vmid&gt; *.ovf &lt;storage&gt;</code>.</>];
    case 'ovf':
      return [<>Import {name} with the target's OVF import (it follows the DMTF OVF standard).</>];
  }
}
