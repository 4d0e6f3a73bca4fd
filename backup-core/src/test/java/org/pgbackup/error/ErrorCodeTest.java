package org.pgbackup.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {
    private static final List<BackupException> ONE_OF_EACH = List.of(new ArchiveCorruptException("m"),
            new ArchiveNotFoundException("m"), new ConfigurationException("m"), new ConfirmationRequiredException("m"),
            new DatabaseConnectionException("m"), new DumpFailedException("m"), new IncompatibleClientException("m"),
            new InvalidArchiveNameException("m"), new MisnamedArchiveException("m"), new ResetWalFailedException("m"),
            new RestoreFailedException("m"), new ServerRunningException("m"), new ServiceBusyException("m"),
            new StorageException("m"), new ToolNotFoundException("m"), new UnknownServiceException("s", List.of("a")),
            new NoMatchingIdentityException("m"), new DrillFailedException("m"),
            new HookFailedException("m"), new DatabasesFailedException("m", Map.of("db", "why")),
            new CancelledException("m"), new BaseBackupFailedException("m", null), new StreamingNotReadyException("m"));

    @Test
    void everyFailureHasItsOwnCodeAndEveryCodeAFailure() {
        Map<ErrorCode, BackupException> byCode = ONE_OF_EACH.stream()
                .collect(Collectors.toMap(BackupException::code, Function.identity()));
        assertThat(byCode).hasSize(ONE_OF_EACH.size()).containsOnlyKeys(ErrorCode.values());
    }

    @Test
    void theExitCodeFollowsTheCategory() {
        for (BackupException e : ONE_OF_EACH) {
            assertThat(e.exitCode()).as(e.code().name()).isEqualTo(e.code().category().exitCode());
        }
        assertThat(new ConfigurationException("m").exitCode()).isEqualTo(2);
        assertThat(new UnknownServiceException("s", List.of()).exitCode()).isEqualTo(2);
        assertThat(new DumpFailedException("m").exitCode()).isEqualTo(1);
        assertThat(ErrorCode.SERVICE_BUSY.category()).isEqualTo(ErrorCode.Category.FAILED);
    }
}
