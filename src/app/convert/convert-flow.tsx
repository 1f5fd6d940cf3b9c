import { useEffect, useRef, useState } from 'preact/hooks';
import type { GuestOverview, RunSummary } from '../../engine/appliance/engine-api';
import type { Plan } from '../../engine/appliance/plan-types';
import { errorCodeOf } from '../../engine/errors';
import type { PackageProgress } from '../../engine/package/package-content';
import type { EngineBridge, OpenedAppliance } from '../../platform/engine-bridge';
import { chooseOutput, type ChosenOutput } from '../../platform/save-output';
import { ChooseScreen } from '../choose/choose-screen';
import { DoneScreen } from '../done/done-screen';
import { ReviewScreen } from '../review/review-screen';
import { RunScreen } from '../run/run-screen';
import type { Loaded } from '../use-look-data';
import { toRequest, type Choices } from './choices';
import { PlanningScreen } from './planning-screen';

type Step =
  | { name: 'choose' }
  | { name: 'planning'; cancel: () => void }
  | { name: 'plan-failed'; error: string }
  | { name: 'review'; plan: Plan; error: string | null }
  | { name: 'running'; plan: Plan; where: string; startedAt: number; cancelling: boolean }
  | { name: 'done'; plan: Plan; summary: RunSummary; where: string };

/**
 * Choose → Review → Convert → Done for one opened appliance. The plan is computed and the conversion runs in
 * the engine worker; the save picker opens straight from the click that starts the run (user activation).
 */
export function ConvertFlow({ engine, opened, guest, choices, linkNotes, onChoicesChange, onBusyChange, onLook, onOpenAnother }: {
  engine: EngineBridge;
  opened: OpenedAppliance;
  guest: Loaded<GuestOverview>;
  choices: Choices;
  linkNotes: string[];
  onChoicesChange: (choices: Choices) => void;
  onBusyChange: (busy: boolean) => void;
  onLook: () => void;
  onOpenAnother: () => void;
}) {
  const [step, setStep] = useState<Step>({ name: 'choose' });
  const [progress, setProgress] = useState<PackageProgress[]>([]);
  const job = useRef<AbortController | null>(null);
  // Leaving the flow (a new appliance dropped) stops what is still planning.
  useEffect(() => () => job.current?.abort(), []);

  const review = () => {
    const controller = new AbortController();
    job.current = controller;
    setStep({ name: 'planning', cancel: () => controller.abort() });
    engine.plan(opened, toRequest(choices), { signal: controller.signal }).then(
      (plan) => setStep({ name: 'review', plan, error: null }),
      (error: unknown) => {
        if (errorCodeOf(error) === 'aborted') setStep({ name: 'choose' });
        else setStep({ name: 'plan-failed', error: messageOf(error) });
      },
    );
  };

  const start = (plan: Plan) => {
    const folder = plan.request.container === 'ovf';
    const name = folder ? plan.request.outputName.replace(/\.ovf$/i, '') : plan.request.outputName;
    // No await before this call: the picker needs the click's user activation.
    chooseOutput(folder ? 'folder' : 'file', name).then(
      (chosen) => chosen && run(plan, chosen),
      (error: unknown) => setStep({ name: 'review', plan, error: messageOf(error) }),
    );
  };

  const run = (plan: Plan, chosen: ChosenOutput) => {
    const controller = new AbortController();
    job.current = controller;
    setProgress([]);
    setStep({ name: 'running', plan, where: chosen.where, startedAt: Date.now(), cancelling: false });
    onBusyChange(true);
    engine
      .run(opened, plan, chosen, {
        signal: controller.signal,
        onProgress: (p) => setProgress((list) => upsert(list, p)),
      })
      .then(
        async (summary) => {
          await chosen.settle(true);
          setStep({ name: 'done', plan, summary, where: chosen.where });
        },
        async (error: unknown) => {
          await chosen.settle(false);
          const cancelled = errorCodeOf(error) === 'aborted';
          const partial = chosen.how === 'downloads' ? ' Files that had already finished downloading stay in your downloads.' : '';
          setStep({ name: 'review', plan, error: cancelled ? `Cancelled: nothing was saved.${partial}` : `${messageOf(error)}${partial}` });
        },
      )
      .finally(() => onBusyChange(false));
  };

  switch (step.name) {
    case 'choose':
      return (
        <ChooseScreen
          report={opened.report}
          guest={guest}
          choices={choices}
          linkNotes={linkNotes}
          onChange={onChoicesChange}
          onBack={onLook}
          onReview={review}
        />
      );
    case 'planning':
      return <PlanningScreen onCancel={step.cancel} />;
    case 'plan-failed':
      return <PlanningScreen error={step.error} onCancel={() => setStep({ name: 'choose' })} />;
    case 'review':
      return (
        <ReviewScreen
          plan={step.plan}
          error={step.error}
          onPlanChange={(plan) => setStep({ ...step, plan })}
          onBack={() => setStep({ name: 'choose' })}
          onStart={() => start(step.plan)}
        />
      );
    case 'running':
      return (
        <RunScreen
          output={step.where}
          progress={progress}
          startedAt={step.startedAt}
          cancelling={step.cancelling}
          onCancel={() => {
            setStep({ ...step, cancelling: true });
            job.current?.abort();
          }}
        />
      );
    case 'done':
      return <DoneScreen plan={step.plan} summary={step.summary} where={step.where} onAnother={onOpenAnother} onLook={onLook} />;
  }
}

/** One entry per file, in the order files started; a file's latest phase replaces its earlier one. */
function upsert(list: PackageProgress[], progress: PackageProgress): PackageProgress[] {
  const at = list.findIndex((p) => p.file === progress.file);
  if (at < 0) return [...list, progress];
  const next = list.slice();
  next[at] = progress;
  return next;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
