import type { Database } from '../database';
import { CertificatesRepository } from './certificates.repository';
import { CourseChangesRepository } from './course-changes.repository';
import { CourseCountsRepository } from './course-counts.repository';
import { CoursesRepository } from './courses.repository';
import { EnrollmentsRepository } from './enrollments.repository';
import { ExceptionsRepository } from './exceptions.repository';
import { GenerationTasksRepository } from './generation-tasks.repository';
import { InvalidationsRepository } from './invalidations.repository';
import { IssuanceRepository } from './issuance.repository';
import { MessagesRepository } from './messages.repository';
import { PlannerStatisticsRepository } from './planner-statistics.repository';
import { SessionsRepository } from './sessions.repository';
import { StandingsRepository } from './standings.repository';
import { StatusListsRepository } from './status-lists.repository';
import { WalletRepository } from './wallet.repository';

/** Every repository over the shared Prisma client, by the name activities use. */
const REPOSITORIES = {
  certificates: CertificatesRepository,
  courseChanges: CourseChangesRepository,
  courseCounts: CourseCountsRepository,
  courses: CoursesRepository,
  enrollments: EnrollmentsRepository,
  exceptions: ExceptionsRepository,
  generationTasks: GenerationTasksRepository,
  invalidations: InvalidationsRepository,
  issuance: IssuanceRepository,
  messages: MessagesRepository,
  plannerStatistics: PlannerStatisticsRepository,
  sessions: SessionsRepository,
  standings: StandingsRepository,
  statusLists: StatusListsRepository,
  wallet: WalletRepository,
};

export { CertificatesRepository, CourseChangesRepository, CourseCountsRepository, CoursesRepository, EnrollmentsRepository, ExceptionsRepository, GenerationTasksRepository, InvalidationsRepository, IssuanceRepository, MessagesRepository, PlannerStatisticsRepository, SessionsRepository, StandingsRepository, StatusListsRepository, WalletRepository };

export type Repositories = { [K in keyof typeof REPOSITORIES]: InstanceType<(typeof REPOSITORIES)[K]> };

/** The API provides each repository by its class; the worker and tests build them all here. */
export const REPOSITORY_CLASSES = Object.values(REPOSITORIES);

export function createRepositories(db: Database): Repositories {
  return Object.fromEntries(Object.entries(REPOSITORIES).map(([name, Repository]) => [name, new Repository(db)])) as Repositories;
}
