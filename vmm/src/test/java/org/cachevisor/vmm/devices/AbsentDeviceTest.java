package org.cachevisor.vmm.devices;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AbsentDeviceTest {
    @Test
    void access_anyOffset_readsZeroWritesIgnoredAndCounted() {
        AbsentDevice fwCfg = new AbsentDevice("fw-cfg", 0x0902_0000L, 0x18);
        fwCfg.write(0x8, 2, 0x0000);                 // select FW_CFG_SIGNATURE
        assertThat(fwCfg.read(0x0, 4)).isZero();     // not "QEMU": drivers conclude there is no fw_cfg
        assertThat(fwCfg.read(0x10, 8)).isZero();
        assertThat(fwCfg.reads()).isEqualTo(2);
        assertThat(fwCfg.writes()).isEqualTo(1);
    }
}
