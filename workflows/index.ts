// The worker's workflow bundle entry point: every workflow the worker runs is exported here.
export { courseLifecycleWorkflow } from './course-lifecycle';
export { generateCertificatesWorkflow } from './generate-certificates';
export { learnerCertificateWorkflow } from './learner-certificate';
export { courseMessageWorkflow } from './course-message';
export { courseMailWorkflow } from './course-mail';
