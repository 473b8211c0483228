/*
 * mock_layout.c: sizes and offsets of dcmi_interface_api.h's structs as the
 * C compiler lays them out, so binding_test.go can hold the Go mirrors to
 * them. Built into the mock library beside mock_dcmi.c.
 */
#include <stddef.h>
#include <string.h>

#include "dcmi_interface_api.h"

#define LAYOUT(name, expr) \
    if (strcmp(what, name) == 0) { \
        return (long)(expr); \
    }

long mock_dcmi_layout(const char *what)
{
    LAYOUT("sizeof chip_info", sizeof(struct dcmi_chip_info))
    LAYOUT("sizeof die_id", sizeof(struct dcmi_die_id))
    LAYOUT("sizeof memory_info", sizeof(struct dcmi_get_memory_info_stru))
    LAYOUT("offsetof memory_info.hugepagesize", offsetof(struct dcmi_get_memory_info_stru, hugepagesize))
    LAYOUT("offsetof memory_info.utiliza", offsetof(struct dcmi_get_memory_info_stru, utiliza))
    LAYOUT("sizeof hbm_info", sizeof(struct dcmi_hbm_info))
    LAYOUT("offsetof hbm_info.memory_usage", offsetof(struct dcmi_hbm_info, memory_usage))
    LAYOUT("sizeof create_vdev_res", sizeof(struct dcmi_create_vdev_res_stru))
    LAYOUT("sizeof create_vdev_out", sizeof(struct dcmi_create_vdev_out))
    LAYOUT("sizeof base_resource", sizeof(struct dcmi_base_resource))
    LAYOUT("sizeof computing_resource", sizeof(struct dcmi_computing_resource))
    LAYOUT("offsetof computing_resource.memory_size", offsetof(struct dcmi_computing_resource, memory_size))
    LAYOUT("sizeof media_resource", sizeof(struct dcmi_media_resource))
    LAYOUT("sizeof vdev_query_info", sizeof(struct dcmi_vdev_query_info))
    LAYOUT("offsetof vdev_query_info.base", offsetof(struct dcmi_vdev_query_info, base))
    LAYOUT("sizeof vdev_query", sizeof(struct dcmi_vdev_query_stru))
    LAYOUT("offsetof vdev_query.query_info", offsetof(struct dcmi_vdev_query_stru, query_info))
    LAYOUT("sizeof soc_total_resource", sizeof(struct dcmi_soc_total_resource))
    LAYOUT("offsetof soc_total_resource.base", offsetof(struct dcmi_soc_total_resource, base))
    LAYOUT("sizeof pcie_info", sizeof(struct dcmi_pcie_info_all))
    LAYOUT("offsetof pcie_info.bdf_busid", offsetof(struct dcmi_pcie_info_all, bdf_busid))
    return -1;
}
